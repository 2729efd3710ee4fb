"""The `zh-metrics` / `python -m zh_metrics` command line."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import typer

from .corpus import CorpusError, doc_id, is_dev_document, read_jsonl_lines, read_tasks, write_atomic, write_jsonl_atomic

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


def fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@app.command()
def validate(
    files: List[Path] = typer.Argument(..., help="JSONL corpus files, markup (.txt) files, or folders of them"),
    strict: bool = typer.Option(False, "--strict", help="Treat lint warnings as errors"),
    markup: bool = typer.Option(False, "--markup", help="Read every file as markup (.txt files always are)"),
    lint: bool = typer.Option(True, "--lint/--no-lint", help="Also flag likely breaks of the annotation rules"),
) -> None:
    """Check corpus files; print `file:line: field: message` for every problem."""
    from .validate import validate_files

    problems = validate_files(files, lint=lint, markup=markup)
    for problem in problems:
        typer.echo(str(problem))
    n_errors = sum(p.severity == "error" for p in problems)
    typer.echo(f"{n_errors} error(s), {len(problems) - n_errors} warning(s)")
    if n_errors or (strict and problems):
        raise typer.Exit(1)


@app.command()
def stats(
    paths: List[Path] = typer.Argument(..., help="Corpus folder (reads its *.jsonl) or files"),
    check: bool = typer.Option(False, "--check", help="Exit non-zero when a target is missed"),
) -> None:
    """Print the corpus figures against their targets."""
    from .stats import format_stats, meets_targets, stats_for_paths

    try:
        result = stats_for_paths(paths)
    except CorpusError as error:
        fail(str(error))
    typer.echo(format_stats(result))
    missing = meets_targets(result["corpus"])
    if check and missing:
        fail("targets missed: " + "; ".join(missing))


@app.command()
def author(
    src: Path = typer.Argument(..., help="Folder of markup files (*.txt)"),
    train: Path = typer.Option(Path("corpus/train.jsonl"), help="Canonical train JSONL to (re)write"),
    dev: Path = typer.Option(Path("corpus/dev.jsonl"), help="Canonical dev JSONL to (re)write"),
    dev_percent: int = typer.Option(15, help="Share of documents that go to dev"),
) -> None:
    """Convert the team's markup into the canonical JSONL, split by document.

    Tasks in the JSONL that did not come from markup (imported reviews) are kept as they are.
    """
    from .validate import validate_files

    files = sorted(src.glob("*.txt"))
    if not files:
        fail(f"{src}: no markup files (*.txt)")
    errors = [p for p in validate_files(files, lint=False) if p.severity == "error"]
    if errors:
        for problem in errors:
            typer.echo(str(problem), err=True)
        fail(f"{len(errors)} error(s): nothing written")
    parts: dict[str, list[dict]] = {"train": [], "dev": []}
    for path in files:
        for _, task in read_tasks(path):
            parts["dev" if is_dev_document(doc_id(task), dev_percent) else "train"].append(task)
    for name, path in (("train", train), ("dev", dev)):
        kept = []
        if path.exists():
            try:
                kept = [t for _, t in read_jsonl_lines(path) if not str((t.get("meta") or {}).get("source", "")).startswith("markup:")]
            except CorpusError as error:
                fail(f"{error}: fix or remove it first; nothing written")
        n = write_jsonl_atomic(path, parts[name] + kept)
        typer.echo(f"{path}: {n} tasks ({len(parts[name])} from markup, {len(kept)} kept)")


@app.command()
def convert(
    input_path: Path = typer.Argument(..., help="Canonical JSONL"),
    output_path: Path = typer.Argument(..., help="Output .spacy (DocBin)"),
) -> None:
    """JSONL tasks to a spaCy DocBin for training and evaluation (written atomically)."""
    import spacy
    from spacy.tokens import DocBin

    from .corpus import task_to_doc, write_atomic

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "zh_metrics.CharTokenizer.v1"}}})
    db = DocBin(store_user_data=True)
    try:
        for line, task in read_jsonl_lines(input_path):
            try:
                db.add(task_to_doc(nlp.vocab, task))
            except (KeyError, TypeError, ValueError) as err:
                fail(f"{input_path}:{line}: spans: {err}; run `python -m zh_metrics validate` first")
    except CorpusError as error:
        fail(str(error))
    write_atomic(output_path, db.to_bytes())
    typer.echo(f"{output_path}: {len(db)} docs")


@app.command()
def evaluate(
    model: Path = typer.Argument(..., help="Trained pipeline directory"),
    data: List[Path] = typer.Argument(..., help="Gold JSONL files to score"),
    also: List[Path] = typer.Option([], "--also", help="More gold files, scored only where they exist"),
    output_dir: Optional[Path] = typer.Option(None, help="Write one <name>.json of scores per file here"),
) -> None:
    """Print per-label precision, recall and F for each gold file."""
    import spacy

    from .evaluate import format_scores, save_scores, score_file

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
    files: List[Path] = typer.Argument(..., help="Gold JSONL whose figure spans carry value and unit"),
) -> None:
    """Gold figure spans through the normaliser: agreement of value and unit, and every disagreement."""
    from .evaluate import check_normaliser

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


@app.command("select")
def select_command(
    raw: List[str] = typer.Argument(..., help="Raw reports: .txt files, folders, or JSONL with `text`"),
    n: int = typer.Option(200, "--n", help="How many paragraphs to pick"),
    out: Path = typer.Option(..., "--out", help="Prodigy tasks to write (atomically)"),
    model: Optional[Path] = typer.Option(None, help="Trained pipeline (default: the project's training/model-best)"),
    corpus: List[Path] = typer.Option([Path("corpus/train.jsonl"), Path("corpus/dev.jsonl")], help="Corpus files whose near-duplicates are skipped"),
) -> None:
    """Pick the paragraphs the model is least sure of, pre-annotated for ner.manual / rel.manual."""
    from .annotate import select
    from .records import read_documents

    documents, problems = read_documents(raw)
    if problems:
        for problem in problems:
            typer.echo(problem, err=True)
        fail(f"{len(problems)} problem(s) in the input: nothing written")
    corpus_texts: list[str] = []
    for path in corpus:
        if path.exists():
            try:
                corpus_texts.extend(t.get("text", "") for _, t in read_jsonl_lines(path))
            except CorpusError as error:
                fail(str(error))
    paragraphs = [(name.split(":")[0], line, text) for name, paras in documents for line, text in paras]
    nlp = _load_model(model)
    tasks = select(nlp, paragraphs, corpus_texts, n)
    write_jsonl_atomic(out, tasks)
    typer.echo(f"{out}: {len(tasks)} tasks picked from {len(paragraphs)} paragraphs")


@app.command("import")
def import_command(
    reviewed: Path = typer.Argument(..., help="Reviewed Prodigy JSONL (answer accept/reject/ignore)"),
    into: Path = typer.Option(..., "--into", help="Corpus JSONL to merge into (may be empty or missing)"),
) -> None:
    """Merge accepted reviews into the corpus; replaced, skipped and invalid tasks are counted."""
    from .annotate import import_reviewed

    try:
        summary = import_reviewed(reviewed, into)
    except CorpusError as error:
        fail(f"{error}: nothing imported")
    for problem in summary.invalid:
        typer.echo(problem, err=True)
    typer.echo(f"{into}: {summary}")
    if summary.invalid:
        raise typer.Exit(1)


@app.command()
def report(
    model: Path = typer.Argument(..., help="Trained pipeline directory"),
    data: List[Path] = typer.Argument(..., help="Gold JSONL files to report on"),
    also: List[Path] = typer.Option([], "--also", help="More gold files, reported only where they exist"),
    curve: Path = typer.Option(Path("training/curve/curve.json"), help="Learning-curve results, shown when present"),
    output_dir: Path = typer.Option(Path("training/report"), help="Where report.md, report.html and figures go"),
) -> None:
    """The evaluation report: per-label scores, errors, relations, values, baselines, speed."""
    import datetime
    import platform

    import srsly

    from .report import evaluate_file, render

    nlp = _load_model(model)
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
    eval_path: List[Path] = typer.Option([Path("../shared/data/dev.jsonl"), Path("corpus/dev.jsonl")], "--eval", help="Score on the first of these that exists"),
    output_dir: Path = typer.Option(Path("training/curve"), help="Models and curve.json go here"),
    fractions: List[float] = typer.Option([0.25, 0.5, 0.75, 1.0], "--fraction", help="Shares of the corpus"),
) -> None:
    """Learning curve: one training per share of the corpus, each scored on the real reports."""
    from .curve import learning_curve

    target = next((p for p in eval_path if p.exists()), None)
    if target is None:
        fail("none of the --eval files exists")
    points = learning_curve(config, train, dev, target, output_dir, fractions, [])
    for point in points:
        typer.echo(f"{point['fraction']:.0%} ({point['tasks']} tasks): entities F {point['ents_f']:.3f}")


@app.command()
def benchmark(
    model: Path = typer.Argument(Path("training/model-best"), help="The pipeline to measure"),
    reference: Optional[Path] = typer.Option(None, help="A reference pipeline measured the same way (spaCy's default NER)"),
    texts: Path = typer.Option(Path("corpus/train.jsonl"), help="Corpus JSONL the benchmark texts are made from"),
    n_texts: int = typer.Option(2000, help="Paragraphs for the throughput runs"),
    stream_docs: int = typer.Option(100_000, help="Documents in the memory stream (0 to skip)"),
    batch_size: int = typer.Option(256, help="Paragraphs per nlp.pipe batch, the same for both pipelines"),
    score_on: List[Path] = typer.Option([Path("../shared/data/dev.jsonl")], "--score-on", help="Gold files for micro F, where they exist"),
) -> None:
    """Characters and documents per second, scaling with size, peak memory, memory over a stream.
    Each pipeline is measured in a fresh process. The reference is measured as spaCy ships it
    and again multiplying through numpy's BLAS, as the pipeline does with
    `zh_metrics.numpy_blas.v1`, so that the ratio is also given like for like."""
    from .benchmark import corpus_paragraphs, format_benchmark, in_fresh_process, measure_pipeline

    try:
        paragraphs = corpus_paragraphs(texts)
    except CorpusError as error:
        fail(str(error))
    golds = tuple(gold for gold in score_on if gold.exists())
    runs = [("pipeline", model, {"stream_docs": stream_docs})]
    if reference is not None:
        runs += [("reference", reference, {"stream_docs": 0}),
                 ("reference on numpy's BLAS", reference, {"stream_docs": 0, "numpy_blas": True, "only_one_process": True})]
    measured = {}
    for name, path, options in runs:
        with _loading(path):
            result = in_fresh_process(measure_pipeline, path, paragraphs, n_texts, batch_size=batch_size, score_on=golds, **options)
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


@contextmanager
def _loading(model: Optional[Path]) -> Iterator[None]:
    """A pipeline that is missing or cannot be loaded ends the command with its message."""
    from .records import ModelNotFound

    try:
        yield
    except ModelNotFound as err:
        fail(str(err))
    except OSError as err:
        fail(f"{model}: cannot load a pipeline here ({err})")


def _load_model(model: Optional[Path]):
    from .records import load

    with _loading(model):
        return load(model)


@app.command()
def predict(
    model: Path = typer.Argument(..., help="Trained pipeline directory"),
    input_path: Path = typer.Argument(..., help="JSONL tasks with `text`"),
    output_path: Path = typer.Argument(..., help="Prodigy-compatible JSONL to write"),
    batch_size: int = typer.Option(64, help="Texts per batch in nlp.pipe"),
) -> None:
    """Annotate tasks: spans with normalised values and HAS_CHANGE relations, as Prodigy JSONL."""
    from .corpus import prediction_task

    tasks = _read_text_tasks(input_path)
    nlp = _load_model(model)
    docs = nlp.pipe((t["text"] for _, t in tasks), batch_size=batch_size)
    out = []
    for (line, task), doc in zip(tasks, docs):
        meta = {"source": str(input_path), "line": line, **(task.get("meta") or {})}
        predicted = prediction_task(doc, meta)
        out.append({**{k: v for k, v in task.items() if k not in predicted and not k.startswith("_")}, **predicted})
    write_jsonl_atomic(output_path, out)
    typer.echo(f"{output_path}: {len(out)} tasks, {sum(len(t['spans']) for t in out)} spans, "
               f"{sum(len(t['relations']) for t in out)} relations")


def _read_text_tasks(path: Path) -> list[tuple[int, dict]]:
    """(line, task) for JSONL tasks that each have a `text`; any bad line stops the run with its place."""
    problems: list[str] = []
    tasks: list[tuple[int, dict]] = []
    try:
        for line, task in read_jsonl_lines(path, on_error=lambda e: problems.append(str(e))):
            if not isinstance(task, dict) or not isinstance(task.get("text"), str):
                problems.append(f"{path}:{line}: text: missing or not a string")
            else:
                tasks.append((line, task))
    except CorpusError as error:
        problems.append(str(error))
    if problems:
        for problem in problems:
            typer.echo(problem, err=True)
        fail(f"{len(problems)} problem(s) in {path}: nothing written")
    return tasks


@app.command()
def extract(
    paths: List[str] = typer.Argument(..., help=".txt files, folders of them, or - for standard input"),
    model: Optional[Path] = typer.Option(None, help="Trained pipeline (default: the project's training/model-best)"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here (atomically) instead of standard output"),
    format: str = typer.Option("jsonl", "--format", "-f", help="jsonl, csv or table"),
    n_process: int = typer.Option(1, help="Processes for nlp.pipe"),
    batch_size: int = typer.Option(64, help="Paragraphs per batch in nlp.pipe"),
) -> None:
    """One record per figure: indicator, value, unit, change, organisation, campaign."""
    from threadpoolctl import threadpool_limits

    from .records import extract_document, format_records, read_documents

    if format not in ("jsonl", "csv", "table"):
        fail(f"--format: {format!r} is not one of jsonl, csv, table")
    documents, problems = read_documents(paths)
    if problems:
        for problem in problems:
            typer.echo(problem, err=True)
        fail(f"{len(problems)} problem(s) in the input: nothing written")
    nlp = _load_model(model)
    flat = [(doc_name, line, text) for doc_name, paras in documents for line, text in paras]
    docs_iter = nlp.pipe((text for _, _, text in flat), batch_size=batch_size, n_process=n_process)
    if len(documents) > 1:
        from tqdm import tqdm

        docs_iter = tqdm(docs_iter, total=len(flat), unit="para", file=sys.stderr)
    by_document: dict[str, list] = {}
    # several processes share the cores: one BLAS thread each, or they would crowd each other
    with threadpool_limits(limits=1 if n_process > 1 else None):
        for (doc_name, line, _), doc in zip(flat, docs_iter):
            by_document.setdefault(doc_name, []).append((line, doc))
    records = []
    for doc_name, paras in by_document.items():
        for metric in extract_document([doc for _, doc in paras]):
            records.append((doc_name, metric))
    content = format_records(records, format)
    if output is None:
        sys.stdout.write(content)
    else:
        write_atomic(output, content)
        typer.echo(f"{output}: {len(records)} records", err=True)


def main() -> None:
    app(prog_name="zh-metrics")


if __name__ == "__main__":
    sys.exit(main())
