"""Measurement commands: evaluate, check-normaliser, report, curve, benchmark."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from ..corpus.jsonl import read_jsonl_lines
from ..corpus.tasks import CorpusError
from .common import app, fail, load_model, loading


@app.command()
def evaluate(
    model: Path = typer.Argument(..., help="Trained pipeline directory"),
    data: list[Path] = typer.Argument(..., help="Gold JSONL files to score"),
    also: list[Path] = typer.Option([], "--also", help="More gold files, scored only where they exist"),
    output_dir: Path | None = typer.Option(None, help="Write one <name>.json of scores per file here"),
) -> None:
    """Print per-label precision, recall and F for each gold file."""
    import spacy

    from ..measure.evaluate import format_scores, save_scores, score_file

    if not model.exists():
        fail(f"{model}: no trained pipeline here; run `spacy project run train` first")
    nlp = spacy.load(model)
    for path in [*data, *also]:
        if not path.exists():
            if path in also:
                typer.echo(f"{path}: not found, skipped")
                continue
            fail(f"{path}: not found")
        try:
            result = score_file(nlp, path)
        except CorpusError as error:
            fail(str(error))
        typer.echo(format_scores(result) + "\n")
        if output_dir is not None:
            name = path.stem if path.parent.name != "data" else f"shared_{path.stem}"
            save_scores(result, output_dir / f"{name}.json")


@app.command("check-normaliser")
def check_normaliser_command(
    files: list[Path] = typer.Argument(..., help="Gold JSONL whose figure spans carry value and unit"),
) -> None:
    """Gold figure spans through the normaliser: agreement of value and unit, and every disagreement."""
    from ..measure.evaluate import check_normaliser

    for path in files:
        try:
            compared, disagreements = check_normaliser(path)
        except CorpusError as error:
            fail(str(error))
        for line in disagreements:
            typer.echo(line)
        agreed = compared - len(disagreements)
        share = f"{agreed / compared:.2%}" if compared else "n/a"
        typer.echo(f"{path}: value and unit agree on {agreed}/{compared} figure spans ({share})")


@app.command()
def report(
    model: Path = typer.Argument(..., help="Trained pipeline directory"),
    data: list[Path] = typer.Argument(..., help="Gold JSONL files to report on"),
    also: list[Path] = typer.Option([], "--also", help="More gold files, reported only where they exist"),
    curve: Path = typer.Option(Path("training/curve/curve.json"), help="Learning-curve results, shown when present"),
    output_dir: Path = typer.Option(Path("training/report"), help="Where report.md, report.html and figures go"),
) -> None:
    """The evaluation report: per-label scores, errors, relations, values, baselines, speed."""
    import datetime
    import platform

    import srsly

    from ..measure.report import evaluate_file, render

    nlp = load_model(model)
    try:
        import jionlp
    except ImportError:
        jionlp = None
    results = {}
    for path in [*data, *[p for p in also if p.exists()]]:
        try:
            tasks = [t for _, t in read_jsonl_lines(path)]
        except CorpusError as error:
            fail(str(error))
        results[str(path)] = evaluate_file(nlp, tasks, jionlp)
    points = srsly.read_json(curve) if curve.exists() else None
    meta = {
        "model": str(model),
        "command": "python -m zh_metrics report " + " ".join(sys.argv[2:]),
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    render(results, points, output_dir, meta)
    typer.echo(f"{output_dir / 'report.md'} and report.html written")


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
    from ..measure.curve import learning_curve

    target = next((p for p in eval_path if p.exists()), None)
    if target is None:
        fail("none of the --eval files exists")
    points = learning_curve(config, train, dev, target, output_dir, fractions, [])
    for point in points:
        typer.echo(f"{point['fraction']:.0%} ({point['tasks']} tasks): entities F {point['ents_f']:.3f}")


@app.command()
def benchmark(
    model: Path = typer.Argument(Path("training/model-best"), help="The pipeline to measure"),
    reference: Path | None = typer.Option(
        None, help="A reference pipeline measured the same way (spaCy's default NER)"
    ),
    texts: Path = typer.Option(Path("corpus/train.jsonl"), help="Corpus JSONL the benchmark texts are made from"),
    n_texts: int = typer.Option(2000, help="Paragraphs for the throughput runs"),
    stream_docs: int = typer.Option(100_000, help="Documents in the memory stream (0 to skip)"),
    batch_size: int = typer.Option(256, help="Paragraphs per nlp.pipe batch, the same for both pipelines"),
    score_on: list[Path] = typer.Option(
        [Path("../shared/data/dev.jsonl")], "--score-on", help="Gold files for micro F, where they exist"
    ),
) -> None:
    """Characters and documents per second, scaling with size, peak memory, memory over a stream.
    Each pipeline is measured in a fresh process. The reference is measured as spaCy ships it
    and again multiplying through numpy's BLAS, as the pipeline does with
    `zh_metrics.numpy_blas.v1`, so that the ratio is also given like for like."""
    from ..measure.benchmark import corpus_paragraphs, format_benchmark, in_fresh_process, measure_pipeline

    try:
        paragraphs = corpus_paragraphs(texts)
    except CorpusError as error:
        fail(str(error))
    golds = tuple(gold for gold in score_on if gold.exists())
    runs = [("pipeline", model, {"stream_docs": stream_docs})]
    if reference is not None:
        runs += [
            ("reference", reference, {"stream_docs": 0}),
            ("reference on numpy's BLAS", reference, {"stream_docs": 0, "numpy_blas": True, "only_one_process": True}),
        ]
    measured = {}
    for name, path, options in runs:
        with loading(path):
            result = in_fresh_process(
                measure_pipeline, path, paragraphs, n_texts, batch_size=batch_size, score_on=golds, **options
            )
        measured[name] = result
        if "two_processes" in result:
            typer.echo(format_benchmark(f"{name}: {path}", result))
            for gold, f_score in result["micro_f"].items():
                typer.echo(f"micro F on {gold}: {f_score:.3f}")
        else:
            typer.echo(f"== {name}, one process: {result['one_process']['chars_per_s']:,.0f} chars/s")
    for name in ("reference", "reference on numpy's BLAS"):
        if name in measured:
            ratio = measured["pipeline"]["one_process"]["chars_per_s"] / measured[name]["one_process"]["chars_per_s"]
            typer.echo(f"pipeline / {name}, one process: {ratio:.2f}x characters per second")


@app.command("evaluate-records")
def evaluate_records_command(
    texts: Path = typer.Argument(..., help="JSONL paragraphs (`text`, optional `meta.date`), one document a line"),
    records: Path = typer.Argument(
        ..., help="Record gold of the same lines: `records` with figure, start, end, indicator, period"
    ),
    model: Path | None = typer.Option(None, help="Trained pipeline (default: the project's training/model-best)"),
    skip_missing: bool = typer.Option(False, help="Say so and stop without failing where a file is missing"),
    output: Path | None = typer.Option(None, help="Write the scores and every differing row here as JSON"),
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
    try:
        result = evaluate_records(nlp, texts, records)
    except CorpusError as error:
        fail(str(error))
    typer.echo(format_record_scores(result))
    if output is not None:
        write_atomic(output, srsly.json_dumps(result, indent=2))
