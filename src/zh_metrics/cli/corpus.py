"""Corpus commands: validate, stats, author, convert, and the annotation loop: select, predict,
import."""

from __future__ import annotations

from pathlib import Path

import typer

from ..corpus.tasks import CorpusError
from .common import app, fail, load_model, model_option, reporting_bad_input


@app.command()
def validate(
    files: list[Path] = typer.Argument(..., help="JSONL corpus files, markup (.txt) files, or folders of them"),
    strict: bool = typer.Option(False, "--strict", help="Treat lint warnings as errors"),
    markup: bool = typer.Option(False, "--markup", help="Read every file as markup (.txt files always are)"),
    lint: bool = typer.Option(True, "--lint/--no-lint", help="Also flag likely breaks of the annotation rules"),
) -> None:
    """Check corpus files; print `file:line: field: message` for every problem."""
    from ..corpus.validate import validate_files

    problems = validate_files(files, lint=lint, markup=markup)
    for problem in problems:
        typer.echo(str(problem))
    n_errors = sum(p.severity == "error" for p in problems)
    typer.echo(f"{n_errors} error(s), {len(problems) - n_errors} warning(s)")
    if n_errors or (strict and problems):
        raise typer.Exit(1)


@app.command()
def stats(
    paths: list[Path] = typer.Argument(..., help="Corpus folder (reads its *.jsonl) or files"),
    check: bool = typer.Option(False, "--check", help="Exit non-zero when a target is missed"),
) -> None:
    """Print the corpus figures against their targets."""
    from ..corpus.stats import format_stats, meets_targets, stats_for_paths

    with reporting_bad_input():
        result = stats_for_paths(paths)
    typer.echo(format_stats(result))
    missing = meets_targets(result["corpus"])
    if check and missing:
        fail("targets missed: " + "; ".join(missing))


@app.command()
def author(
    src: Path = typer.Argument(..., help="Folder of markup files (*.txt)"),
    train: Path = typer.Option(Path("corpus/train.jsonl"), help="Canonical train JSONL to (re)write"),
    dev: Path = typer.Option(Path("corpus/dev.jsonl"), help="Canonical dev JSONL to (re)write"),
    dev_percent: int = typer.Option(15, min=0, max=100, help="Share of documents that go to dev"),
) -> None:
    """Convert the team's markup into the canonical JSONL, split by document.

    Tasks in the JSONL that did not come from markup (imported reviews) are kept as they are.
    """
    from ..corpus.build import author_corpus

    with reporting_bad_input():
        written = author_corpus(src, train, dev, dev_percent)
    for authored in written:
        typer.echo(str(authored))


@app.command()
def convert(
    input_path: Path = typer.Argument(..., metavar="IN.jsonl", help="Canonical JSONL"),
    output_path: Path = typer.Argument(..., metavar="OUT.spacy", help="DocBin to write (atomically)"),
) -> None:
    """JSONL tasks to a spaCy DocBin for training and evaluation."""
    from ..corpus.build import convert_file

    with reporting_bad_input():
        n_docs = convert_file(input_path, output_path)
    typer.echo(f"{output_path}: {n_docs} docs")


@app.command("select")
def select_command(
    raw: list[str] = typer.Argument(
        ..., help="Raw reports: .txt/.html/.pdf/.docx files, folders, JSONL with `text`, or - for stdin"
    ),
    output: Path = typer.Option(..., "--output", "-o", help="Prodigy tasks to write (atomically)"),
    n: int = typer.Option(200, "--n", min=1, help="How many paragraphs to pick"),
    model: Path | None = model_option(),
    corpus: list[Path] = typer.Option(
        [Path("corpus/train.jsonl"), Path("corpus/dev.jsonl")], help="Corpus files whose near-duplicates are skipped"
    ),
    batch_size: int = typer.Option(64, min=1, help="Paragraphs per batch in nlp.pipe"),
) -> None:
    """Pick the paragraphs the model is least sure of, pre-annotated for ner.manual / rel.manual."""
    from ..corpus.annotate import select_file

    nlp = load_model(model)
    with reporting_bad_input():
        n_tasks, n_paragraphs = select_file(nlp, raw, output, corpus, n, batch_size)
    typer.echo(f"{output}: {n_tasks} tasks picked from {n_paragraphs} paragraphs")


@app.command()
def predict(
    paths: list[Path] = typer.Argument(
        ...,
        metavar="IN.jsonl OUT.jsonl",
        help="JSONL tasks with `text`, and the Prodigy JSONL to write (atomically). "
        "The older form `predict MODEL IN.jsonl OUT.jsonl` still works.",
        show_default=False,
    ),
    model: Path | None = model_option(),
    batch_size: int = typer.Option(64, min=1, help="Texts per batch in nlp.pipe"),
) -> None:
    """Annotate tasks: spans with normalised values and HAS_CHANGE relations, as Prodigy JSONL."""
    from ..corpus.annotate import predict_file

    if len(paths) == 3 and model is None:
        model, *paths = paths
    elif len(paths) == 3:
        fail("predict: the pipeline is either --model or the first of three arguments, not both", code=2)
    if len(paths) != 2:
        fail(f"predict: expected IN.jsonl OUT.jsonl (or MODEL IN.jsonl OUT.jsonl), got {len(paths)} path(s)", code=2)
    input_path, output_path = paths
    nlp = load_model(model)
    with reporting_bad_input():
        tasks = predict_file(nlp, input_path, output_path, batch_size)
    n_spans = sum(len(task["spans"]) for task in tasks)
    n_relations = sum(len(task["relations"]) for task in tasks)
    typer.echo(f"{output_path}: {len(tasks)} tasks, {n_spans} spans, {n_relations} relations")


@app.command("import")
def import_command(
    reviewed: Path = typer.Argument(..., help="Reviewed Prodigy JSONL (answer accept/reject/ignore)"),
    into: Path = typer.Option(..., "--into", help="Corpus JSONL to merge into (may be empty or missing)"),
) -> None:
    """Merge accepted reviews into the corpus; replaced, skipped and invalid tasks are counted."""
    from ..corpus.annotate import import_reviewed

    try:
        summary = import_reviewed(reviewed, into)
    except CorpusError as error:
        fail(f"{error}: nothing imported")
    for problem in summary.invalid:
        typer.echo(problem, err=True)
    typer.echo(f"{into}: {summary}")
    if summary.invalid:
        raise typer.Exit(1)
