"""Record commands: extract (rows from reports)."""

from __future__ import annotations

import codecs
import datetime
import sys
from enum import StrEnum
from pathlib import Path

import typer

from ..files import write_atomic
from .common import app, fail, load_model, model_option


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    table = "table"


def _known_encoding(encoding: str | None) -> str | None:
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise typer.BadParameter(f"{encoding!r} is not an encoding Python knows") from None
    return encoding


@app.command()
def extract(
    paths: list[str] = typer.Argument(
        ..., help="Reports (.txt, .html, .pdf, .docx; .jsonl with a `text` a line), folders of them, or - for stdin"
    ),
    model: Path | None = model_option(),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write here (atomically) instead of standard output"
    ),
    format: Format = typer.Option(Format.jsonl, "--format", "-f", help="Records as JSONL, CSV or a table"),
    glob: list[str] = typer.Option(
        [], "--glob", help="Files to read in folders, e.g. '*.pdf' (repeatable; default: every format above)"
    ),
    encoding: str | None = typer.Option(
        None, callback=_known_encoding, help="Encoding of text files and pages (default: detected)"
    ),
    date: datetime.datetime | None = typer.Option(
        None, formats=["%Y-%m-%d"], help="Date of the documents, YYYY-MM-DD (default: from their metadata)"
    ),
    keep_going: bool = typer.Option(
        False, "--keep-going", help="Skip the files with problems and extract the others (the exit code stays 1)"
    ),
    n_process: int = typer.Option(1, min=1, help="Processes for nlp.pipe"),
    batch_size: int = typer.Option(64, min=1, help="Paragraphs per batch in nlp.pipe"),
) -> None:
    """One record per figure: indicator, value, unit, change, organisation, campaign, and where
    it came from (document, paragraph, page) with the document's date."""
    from ..api import extract_documents
    from ..documents import read_documents
    from ..progress import progress
    from ..records import format_records

    documents, problems = read_documents(paths, glob=glob, encoding=encoding, date=date and date.date())
    for problem in problems:
        typer.echo(problem, err=True)
    if problems and not keep_going:
        fail(f"{len(problems)} problem(s) in the input: nothing written")
    nlp = load_model(model)
    read = progress(documents, len(documents), "extract", unit="doc")
    records = list(extract_documents(read, nlp, batch_size=batch_size, n_process=n_process))
    content = format_records(records, format.value)
    if output is None:
        sys.stdout.write(content)
    else:
        write_atomic(output, content)
        typer.echo(f"{output}: {len(records)} records", err=True)
    if problems:
        fail(f"{len(problems)} problem(s) in the input: their files skipped, {len(documents)} document(s) read")
