"""Corpus commands: validate, stats, author, convert, select, import."""

from __future__ import annotations

from pathlib import Path

import typer

from ..corpus.jsonl import read_jsonl_lines, read_tasks
from ..corpus.tasks import CorpusError, doc_id, is_dev_document
from ..files import write_atomic, write_jsonl_atomic
from .common import app, fail, load_model


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
    from ..corpus.validate import validate_files

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
                kept = [
                    t
                    for _, t in read_jsonl_lines(path)
                    if not str((t.get("meta") or {}).get("source", "")).startswith("markup:")
                ]
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

    from ..corpus.tasks import task_to_doc

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


@app.command("select")
def select_command(
    raw: list[str] = typer.Argument(..., help="Raw reports: .txt files, folders, or JSONL with `text`"),
    n: int = typer.Option(200, "--n", help="How many paragraphs to pick"),
    out: Path = typer.Option(..., "--out", help="Prodigy tasks to write (atomically)"),
    model: Path | None = typer.Option(None, help="Trained pipeline (default: the project's training/model-best)"),
    corpus: list[Path] = typer.Option(
        [Path("corpus/train.jsonl"), Path("corpus/dev.jsonl")], help="Corpus files whose near-duplicates are skipped"
    ),
) -> None:
    """Pick the paragraphs the model is least sure of, pre-annotated for ner.manual / rel.manual."""
    from ..corpus.annotate import select
    from ..documents import read_documents

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
    nlp = load_model(model)
    tasks = select(nlp, paragraphs, corpus_texts, n)
    write_jsonl_atomic(out, tasks)
    typer.echo(f"{out}: {len(tasks)} tasks picked from {len(paragraphs)} paragraphs")


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
