"""Record commands: extract (rows from reports) and predict (Prodigy tasks)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

import typer

from ..corpus.jsonl import read_jsonl_lines
from ..corpus.tasks import CorpusError
from ..files import write_atomic, write_jsonl_atomic
from .common import app, fail, load_model, loading


@app.command()
def predict(
    model: Path = typer.Argument(..., help="Trained pipeline directory"),
    input_path: Path = typer.Argument(..., help="JSONL tasks with `text`"),
    output_path: Path = typer.Argument(..., help="Prodigy-compatible JSONL to write"),
    batch_size: int = typer.Option(64, help="Texts per batch in nlp.pipe"),
) -> None:
    """Annotate tasks: spans with normalised values and HAS_CHANGE relations, as Prodigy JSONL."""
    from ..corpus.tasks import prediction_task

    tasks = _read_text_tasks(input_path)
    nlp = load_model(model)
    docs = nlp.pipe((t["text"] for _, t in tasks), batch_size=batch_size)
    out = []
    for (line, task), doc in zip(tasks, docs):
        meta = {"source": str(input_path), "line": line, **(task.get("meta") or {})}
        predicted = prediction_task(doc, meta)
        out.append({**{k: v for k, v in task.items() if k not in predicted and not k.startswith("_")}, **predicted})
    write_jsonl_atomic(output_path, out)
    typer.echo(
        f"{output_path}: {len(out)} tasks, {sum(len(t['spans']) for t in out)} spans, "
        f"{sum(len(t['relations']) for t in out)} relations"
    )


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


class Engine(StrEnum):
    local = "local"
    dask = "dask"


@app.command()
def extract(
    paths: list[str] = typer.Argument(..., help=".txt files, folders of them, or - for standard input"),
    model: Path | None = typer.Option(None, help="Trained pipeline (default: the project's training/model-best)"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write here (atomically) instead of standard output; a folder for parquet"
    ),
    format: str = typer.Option("jsonl", "--format", "-f", help="jsonl, csv, table or parquet"),
    n_process: int = typer.Option(1, help="Processes for nlp.pipe"),
    batch_size: int = typer.Option(64, help="Paragraphs per batch in nlp.pipe"),
    engine: Engine = typer.Option(Engine.local, help="local: this process; dask: a Dask cluster (Parquet only)"),
    workers: int | None = typer.Option(None, help="--engine dask: a local cluster of N one-thread worker processes"),
    scheduler: str | None = typer.Option(None, help="--engine dask: the address of a running Dask scheduler"),
    keep_going: bool = typer.Option(False, "--keep-going", help="Report unreadable input and write the rest"),
) -> None:
    """One record per figure: indicator, value, unit, change, organisation, campaign."""
    from threadpoolctl import threadpool_limits

    from ..api import pipe_documents
    from ..documents import read_documents
    from ..records import extract_document, format_records

    if format not in ("jsonl", "csv", "table", "parquet"):
        fail(f"--format: {format!r} is not one of jsonl, csv, table, parquet")
    if format == "parquet":
        _require_parquet(output)
    if engine is Engine.dask:
        return _extract_on_dask(paths, model, output, format, workers, scheduler, batch_size, keep_going)
    if workers is not None or scheduler is not None:
        fail("--workers and --scheduler are for --engine dask")
    documents, problems = read_documents(paths)
    _report(problems, keep_going)
    nlp = load_model(model)
    progress = None
    if len(documents) > 1:
        from tqdm import tqdm

        total = sum(len(paras) for _, paras in documents)
        progress = functools.partial(tqdm, total=total, unit="para", file=sys.stderr)
    # several processes share the cores: one BLAS thread each, or they would crowd each other
    with threadpool_limits(limits=1 if n_process > 1 else None):
        processed = pipe_documents(nlp, documents, batch_size, n_process, progress)
        if format == "parquet":
            assert output is not None
            n_records = _write_parquet(processed, output)
        else:
            records = [(name, m) for name, paras in processed for m in extract_document([d for _, d in paras])]
            n_records = len(records)
            content = format_records(records, format)
            if output is None:
                sys.stdout.write(content)
            else:
                write_atomic(output, content)
    if output is not None:
        typer.echo(f"{output}: {n_records} records", err=True)
    if problems:
        fail(f"{len(problems)} problem(s) in the input: the rest written")


def _report(problems: list[str], keep_going: bool) -> None:
    """Each problem on its own line; the command ends here unless it is to keep going."""
    for problem in problems:
        typer.echo(problem, err=True)
    if problems and not keep_going:
        fail(f"{len(problems)} problem(s) in the input: nothing written")


def _require_parquet(output: Path | None) -> None:
    """Parquet needs a folder to write and pyarrow: checked before any work is done."""
    from ..records import MissingExtra, pyarrow_module

    if output is None:
        fail("--format parquet writes a folder of Parquet parts: name it with --output DIR")
    try:
        pyarrow_module()
    except MissingExtra as err:
        fail(str(err))


def _write_parquet(processed: Iterable[tuple[str, list]], output: Path) -> int:
    """The local engine's records as a Parquet dataset of one part; how many records."""
    from ..records import write_parquet_dataset

    try:
        return write_parquet_dataset(output, processed)
    except OSError as err:
        fail(str(err))


def _extract_on_dask(
    paths: list[str],
    model: Path | None,
    output: Path | None,
    format: str,
    workers: int | None,
    scheduler: str | None,
    batch_size: int,
    keep_going: bool,
) -> None:
    """extract --engine dask: the workers read the files and write the Parquet parts; problems
    with the input are reported after the run."""
    from ..api import model_path
    from ..records import MissingExtra

    if format != "parquet":
        fail("--engine dask writes a Parquet dataset: add --format parquet --output DIR")
    if "-" in paths:
        fail("--engine dask reads files and folders that the workers see, not standard input")
    if workers is not None and scheduler is not None:
        fail("--workers starts a local cluster, --scheduler connects to a running one: give one of them")
    try:
        from ..cluster import ClusterUnavailable, DocumentProblems, archive_to_parquet, connect
    except MissingExtra as err:
        fail(str(err))
    from tqdm import tqdm

    assert output is not None
    with loading(model):
        folder = model_path(model)

    def progress(finished: Iterable, total: int) -> Iterable:
        return tqdm(finished, total=total, unit="part", file=sys.stderr)

    try:
        with connect(workers=workers, scheduler=scheduler) as client:
            result = archive_to_parquet(
                paths, folder, output, client, batch_size=batch_size, keep_going=keep_going, progress=progress
            )
    except ClusterUnavailable as err:
        fail(str(err))
    except DocumentProblems as err:
        _report(err.problems, keep_going=False)
    except OSError as err:
        fail(str(err))
    except Exception as err:  # a failure on a worker comes back as whatever the worker raised
        fail(f"the Dask run failed: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}")
    _report(result.problems, keep_going=True)
    typer.echo(f"{output}: {result.records} records in {result.parts} part(s)", err=True)
    if result.problems:
        fail(f"{len(result.problems)} problem(s) in the input: the rest written")
