"""Measurement commands: evaluate, check-normaliser, report, curve, benchmark, benchmark-dask."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from .common import app, fail, load_model, loading, model_option, reporting_bad_input


def gold_files_only(paths: list[Path]) -> None:
    """A pipeline folder among the gold files (the older `evaluate MODEL FILE…` form) ends the
    command with the form to use instead."""
    for path in paths:
        if (path / "config.cfg").exists():
            fail(f"{path}: a trained pipeline, not a gold file; give it as --model {path}", code=2)


@app.command()
def evaluate(
    data: list[Path] = typer.Argument(..., help="Gold JSONL files to score"),
    model: Path | None = model_option(),
    also: list[Path] = typer.Option([], "--also", help="More gold files, scored only where they exist"),
    output_dir: Path | None = typer.Option(None, help="Write one <name>.json of scores per file here"),
) -> None:
    """Print per-label precision, recall and F, and HAS_CHANGE P/R/F, for each gold file."""
    from ..measure.evaluate import evaluate_files, format_scores

    gold_files_only([*data, *also])
    nlp = load_model(model)
    with reporting_bad_input():
        results = evaluate_files(nlp, data, also, output_dir)
    for path, result in results.items():
        typer.echo(f"{path}: not found, skipped" if result is None else format_scores(result) + "\n")


@app.command("check-normaliser")
def check_normaliser_command(
    files: list[Path] = typer.Argument(..., help="Gold JSONL whose figure spans carry value and unit"),
) -> None:
    """Gold figure spans through the normaliser: agreement of value and unit, and every disagreement."""
    from ..measure.evaluate import check_normaliser_files

    with reporting_bad_input():
        lines = check_normaliser_files(files)
    typer.echo("\n".join(lines))


@app.command()
def report(
    data: list[Path] = typer.Argument(..., help="Gold JSONL files to report on (the first: the team dev split)"),
    model: Path | None = model_option(),
    also: list[Path] = typer.Option(
        [], "--also", help="More gold files, reported only where they exist (the first: the real reports)"
    ),
    records: Path = typer.Option(
        Path("../shared/data/dev_records.jsonl"), help="Record gold of the real reports, used when it exists"
    ),
    curve: Path = typer.Option(Path("training/curve/curve.json"), help="Learning-curve results, shown when present"),
    output_dir: Path = typer.Option(Path("training/report"), help="Where report.md, report.html and figures go"),
    readme: Path | None = typer.Option(
        None, help="Write the summary into this README, between <!-- report:summary --> and <!-- /report:summary -->"
    ),
) -> None:
    """The evaluation report: a summary with intervals, per label and domain, errors shown, speed."""
    from ..measure.report import ReportError, write_report

    gold_files_only([*data, *also])
    nlp = load_model(model)
    meta = {
        "model": str(model or "training/model-best"),
        "command": "python -m zh_metrics report " + " ".join(sys.argv[2:]),
    }
    with reporting_bad_input():
        try:
            written = write_report(nlp, data, also, records, output_dir, curve, readme, meta)
        except ReportError as error:
            fail(str(error))
    typer.echo(f"{written} and report.html written" + (f"; summary in {readme}" if readme else ""))


@app.command("curve")
def curve_command(
    config: Path = typer.Option(Path("configs/ner.cfg"), help="Training config"),
    train: Path = typer.Option(Path("corpus/train.jsonl"), help="Training corpus"),
    dev: Path = typer.Option(Path("corpus/dev.jsonl"), help="Dev split used during training"),
    eval_path: list[Path] = typer.Option(
        [Path("../shared/data/dev.jsonl"), Path("corpus/dev.jsonl")],
        "--eval",
        help="Score on the first of these that exists",
    ),
    output_dir: Path = typer.Option(Path("training/curve"), help="Models and curve.json go here"),
    fractions: list[float] = typer.Option([0.25, 0.5, 0.75, 1.0], "--fraction", help="Shares of the corpus"),
) -> None:
    """Learning curve: one training per share of the corpus, each scored on the real reports."""
    import subprocess

    from ..measure.curve import learning_curve

    target = next((p for p in eval_path if p.exists()), None)
    if target is None:
        fail("none of the --eval files exists")
    with reporting_bad_input():
        try:
            points = learning_curve(config, train, dev, target, output_dir, fractions, [])
        except subprocess.CalledProcessError as err:
            fail(f"{config}: `spacy train` stopped with exit code {err.returncode} (its output is above)")
    for point in points:
        typer.echo(f"{point['fraction']:.0%} ({point['tasks']} tasks): entities F {point['ents_f']:.3f}")


@app.command("benchmark")
def benchmark_command(
    model: Path | None = model_option(),
    reference: Path | None = typer.Option(
        None, help="A reference pipeline measured the same way (spaCy's default NER)"
    ),
    texts: Path = typer.Option(Path("corpus/train.jsonl"), help="Corpus JSONL the benchmark texts are made from"),
    n_texts: int = typer.Option(2000, min=1, help="Paragraphs for the throughput runs"),
    stream_docs: int = typer.Option(100_000, min=0, help="Documents in the memory stream (0 to skip)"),
    batch_size: int = typer.Option(256, min=1, help="Paragraphs per nlp.pipe batch, the same for both pipelines"),
    score_on: list[Path] = typer.Option(
        [Path("../shared/data/dev.jsonl")], "--score-on", help="Gold files for micro F, where they exist"
    ),
) -> None:
    """Characters and documents per second, scaling with size, peak memory, memory over a stream.

    Each pipeline is measured in a fresh process. The reference is measured as spaCy ships it
    and again multiplying through numpy's BLAS, as the pipeline does with
    `zh_metrics.numpy_blas.v1`, so that the ratio is also given like for like.
    """
    from ..measure.benchmark import benchmark

    with reporting_bad_input(), loading(model):
        for block in benchmark(model, reference, texts, n_texts, stream_docs, batch_size, score_on):
            typer.echo(block)


@app.command("benchmark-dask")
def benchmark_dask_command(
    model: Path | None = model_option(),
    texts: Path = typer.Option(Path("corpus/train.jsonl"), help="Corpus JSONL the archive is made from"),
    n_texts: int = typer.Option(100_000, min=1, help="Corpus texts in the synthetic archive (in turn, repeating)"),
    per_document: int = typer.Option(10, min=1, help="Corpus texts per .txt document"),
    workers: list[int] = typer.Option([1, 2], "--workers", min=1, help="A Dask run on a local cluster of N workers"),
    partition_bytes: int = typer.Option(1_000_000, min=1, help="Bytes of files per Dask partition"),
    batch_size: int = typer.Option(64, min=1, help="Paragraphs per nlp.pipe batch, both engines (extract's default)"),
    folder: Path = typer.Option(Path("training/archive"), help="Where the archive and the Parquet datasets go"),
) -> None:
    """The local engine against Dask clusters of single-threaded worker processes on an archive
    made from the corpus: seconds, characters per second, peak memory per worker, the same
    records, and an estimate for 8, 32 and 128 workers (needs the dask extra)."""
    from ..records import MissingExtra

    try:
        from ..cluster import benchmark
    except MissingExtra as err:
        fail(str(err))
    typer.echo("python -m zh_metrics " + " ".join(sys.argv[1:]))
    with reporting_bad_input(), loading(model):
        for block in benchmark(model, texts, folder, n_texts, per_document, workers, partition_bytes, batch_size):
            typer.echo(block)


@app.command("evaluate-records")
def evaluate_records_command(
    texts: Path = typer.Argument(..., help="JSONL paragraphs (`text`, optional `meta.date`), one document a line"),
    records: Path = typer.Argument(
        ..., help="Record gold of the same lines: `records` with figure, start, end, indicator, period"
    ),
    model: Path | None = model_option(),
    skip_missing: bool = typer.Option(False, help="Say so and stop without failing where a file is missing"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the scores and every differing row here as JSON"
    ),
    documents_by: str | None = typer.Option(
        None,
        "--documents-by",
        help="A `meta` field (e.g. url): lines next to each other that share it are one document's paragraphs",
    ),
) -> None:
    """Indicator and period of the records against record gold: exact and character F1."""
    import srsly

    from ..files import write_atomic
    from ..measure.records import evaluate_records, format_record_scores

    missing = [path for path in (texts, records) if not path.exists()]
    if missing:
        if skip_missing:
            typer.echo(f"{missing[0]}: not found, skipped")
            return
        fail(f"{missing[0]}: not found")
    nlp = load_model(model)
    with reporting_bad_input():
        result = evaluate_records(nlp, texts, records, documents_by)
    typer.echo(format_record_scores(result))
    if output is not None:
        write_atomic(output, srsly.json_dumps(result, indent=2))
