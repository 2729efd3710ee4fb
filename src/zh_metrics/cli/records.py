"""Record commands: extract (rows from reports)."""

from __future__ import annotations

import codecs
import datetime
import sys
from enum import StrEnum
from pathlib import Path

import typer

from ..files import write_atomic
from .common import app, fail, load_model, loading, model_option


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    table = "table"
    parquet = "parquet"


class Engine(StrEnum):
    local = "local"
    dask = "dask"


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
        None, "--output", "-o", help="Write here (atomically) instead of standard output; a folder for parquet"
    ),
    format: Format = typer.Option(
        Format.jsonl, "--format", "-f", help="Records as JSONL, CSV, a table or a Parquet dataset (--output DIR)"
    ),
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
    engine: Engine = typer.Option(Engine.local, help="local: this process; dask: a Dask cluster, Parquet only"),
    workers: int | None = typer.Option(
        None, min=1, help="--engine dask: start a local cluster of N one-thread worker processes (default: cores)"
    ),
    scheduler: str | None = typer.Option(
        None, help="--engine dask: the address of a running Dask scheduler, e.g. tcp://host:8786"
    ),
) -> None:
    """One record per figure: indicator, value, unit, change, organisation, campaign, and where
    it came from (document, paragraph, page) with the document's date."""
    from ..api import extract_documents
    from ..documents import read_documents
    from ..progress import progress
    from ..records import format_records

    if format is Format.parquet:
        _require_parquet(output)
    if engine is Engine.dask:
        return _extract_on_dask(
            paths, model, output, format, glob, encoding, date, keep_going, batch_size, workers, scheduler
        )
    if workers is not None or scheduler is not None:
        fail("--workers and --scheduler are for --engine dask")
    documents, problems = read_documents(paths, glob=glob, encoding=encoding, date=date and date.date())
    for problem in problems:
        typer.echo(problem, err=True)
    if problems and not keep_going:
        fail(f"{len(problems)} problem(s) in the input: nothing written")
    nlp = load_model(model)
    read = progress(documents, len(documents), "extract", unit="doc")
    records = list(extract_documents(read, nlp, batch_size=batch_size, n_process=n_process))
    if format is Format.parquet:
        assert output is not None
        _write_parquet(records, output)
    else:
        content = format_records(records, format.value)
        if output is None:
            sys.stdout.write(content)
        else:
            write_atomic(output, content)
    if output is not None:
        typer.echo(f"{output}: {len(records)} records", err=True)
    if problems:
        fail(f"{len(problems)} problem(s) in the input: their files skipped, {len(documents)} document(s) read")


def _require_parquet(output: Path | None) -> None:
    """Parquet needs a folder to write and pyarrow: checked before any work is done."""
    from ..records import MissingExtra, pyarrow_module

    if output is None:
        fail("--format parquet writes a folder of Parquet parts: name it with --output DIR")
    try:
        pyarrow_module()
    except MissingExtra as err:
        fail(str(err))


def _write_parquet(records: list, output: Path) -> None:
    """The local engine's records as a Parquet dataset of one part, written atomically."""
    from ..files import write_folder_atomic, write_part
    from ..records import parquet_bytes, record_rows

    data = parquet_bytes(record_rows(records))
    try:
        write_folder_atomic(output, lambda folder: write_part(folder, 0, data))
    except OSError as err:
        fail(str(err))


def _extract_on_dask(
    paths: list[str],
    model: Path | None,
    output: Path | None,
    format: Format,
    glob: list[str],
    encoding: str | None,
    date: datetime.datetime | None,
    keep_going: bool,
    batch_size: int,
    workers: int | None,
    scheduler: str | None,
) -> None:
    """extract --engine dask: the workers read the files and write the Parquet parts; problems
    with the input are reported after the run, as the local engine reports them."""
    from ..api import model_path
    from ..progress import progress
    from ..records import MissingExtra

    if format is not Format.parquet:
        fail("--engine dask writes a Parquet dataset: add --format parquet --output DIR")
    if "-" in paths:
        fail("--engine dask reads files and folders that the workers see, not standard input")
    if workers is not None and scheduler is not None:
        fail("--workers starts a local cluster, --scheduler connects to a running one: give one of them")
    try:
        from ..cluster import ClusterUnavailable, DocumentProblems, Reading, archive_to_parquet, connect
    except MissingExtra as err:
        fail(str(err))
    assert output is not None
    with loading(model):
        folder = model_path(model)
    reading = Reading(encoding, date and date.date(), batch_size)
    try:
        with connect(workers=workers, scheduler=scheduler) as client:
            result = archive_to_parquet(
                paths,
                folder,
                output,
                client,
                glob=glob,
                reading=reading,
                keep_going=keep_going,
                progress=lambda finished, total: progress(finished, total, "extract", unit="part"),
            )
    except ClusterUnavailable as err:
        fail(str(err))
    except DocumentProblems as err:
        for problem in err.problems:
            typer.echo(problem, err=True)
        fail(f"{len(err.problems)} problem(s) in the input: nothing written")
    except OSError as err:
        fail(str(err))
    except Exception as err:  # a failure on a worker comes back as whatever the worker raised
        fail(f"the Dask run failed: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}")
    for problem in result.problems:
        typer.echo(problem, err=True)
    typer.echo(f"{output}: {result.records} records in {result.parts} part(s)", err=True)
    if result.problems:
        fail(f"{len(result.problems)} problem(s) in the input: their files skipped")
