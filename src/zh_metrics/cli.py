"""The `zh-metrics` / `python -m zh_metrics` command line."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from .corpus import CorpusError, doc_id, is_dev_document, read_jsonl_lines, read_tasks, write_jsonl_atomic

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


def fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@app.command()
def validate(
    files: List[Path] = typer.Argument(..., help="JSONL corpus files, markup (.txt) files, or folders of them"),
    strict: bool = typer.Option(False, "--strict", help="Treat lint warnings as errors"),
    markup: bool = typer.Option(False, "--markup", help="Accepted for clarity: .txt files are always read as markup"),
    lint: bool = typer.Option(True, "--lint/--no-lint", help="Also flag likely breaks of the annotation rules"),
) -> None:
    """Check corpus files; print `file:line: field: message` for every problem."""
    from .validate import validate_files

    problems = validate_files(files, lint=lint)
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


def main() -> None:
    app(prog_name="zh-metrics")


if __name__ == "__main__":
    sys.exit(main())
