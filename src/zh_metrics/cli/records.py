"""Record commands: extract (rows from reports) and predict (Prodigy tasks)."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import typer

from ..corpus.jsonl import read_jsonl_lines
from ..corpus.tasks import CorpusError
from ..files import write_atomic, write_jsonl_atomic
from .common import app, fail, load_model


@app.command()
def predict(
    model: Path = typer.Argument(..., help="Trained pipeline directory"),
    input_path: Path = typer.Argument(..., help="JSONL tasks with `text`"),
    output_path: Path = typer.Argument(..., help="Prodigy-compatible JSONL to write"),
    batch_size: int = typer.Option(64, help="Texts per batch in nlp.pipe"),
) -> None:
    """Annotate tasks: spans with normalised values and HAS_CHANGE relations, as Prodigy JSONL."""
    from ..corpus.tasks import prediction_task
    from ..records import extract_document, task_record

    tasks = _read_text_tasks(input_path)
    dates = _task_dates(input_path, tasks)
    nlp = load_model(model)
    docs = nlp.pipe((t["text"] for _, t in tasks), batch_size=batch_size)
    out = []
    for (line, task), doc, date in zip(tasks, docs, dates):
        meta = {"source": str(input_path), "line": line, **(task.get("meta") or {})}
        predicted = prediction_task(doc, meta)
        predicted["records"] = [task_record(m) for m in extract_document([doc], date=date)]
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


def _task_dates(path: Path, tasks: list[tuple[int, dict]]) -> list[datetime.date | None]:
    """Each task's `meta.date`, the date its relative periods (今年以来) count from; a date
    that is not ISO stops the run with its place."""
    from ..records import parse_date

    dates, problems = [], []
    for line, task in tasks:
        try:
            dates.append(parse_date((task.get("meta") or {}).get("date")))
        except ValueError as err:
            problems.append(f"{path}:{line}: meta.date: {err}")
    if problems:
        for problem in problems:
            typer.echo(problem, err=True)
        fail(f"{len(problems)} problem(s) in {path}: nothing written")
    return dates


@app.command()
def extract(
    paths: list[str] = typer.Argument(..., help=".txt files, folders of them, or - for standard input"),
    model: Path | None = typer.Option(None, help="Trained pipeline (default: the project's training/model-best)"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write here (atomically) instead of standard output"
    ),
    format: str = typer.Option("jsonl", "--format", "-f", help="jsonl, csv or table"),
    n_process: int = typer.Option(1, help="Processes for nlp.pipe"),
    batch_size: int = typer.Option(64, help="Paragraphs per batch in nlp.pipe"),
    date: str | None = typer.Option(
        None, help="The documents' date (YYYY-MM-DD): relative periods such as 今年以来 get dates from it"
    ),
) -> None:
    """One record per figure: indicator, value, unit, change, period, organisation, campaign."""
    from threadpoolctl import threadpool_limits

    from ..documents import read_documents
    from ..records import extract_document, format_records, parse_date

    if format not in ("jsonl", "csv", "table"):
        fail(f"--format: {format!r} is not one of jsonl, csv, table")
    try:
        day = parse_date(date)
    except ValueError as err:
        fail(f"--date: {err}")
    documents, problems = read_documents(paths)
    if problems:
        for problem in problems:
            typer.echo(problem, err=True)
        fail(f"{len(problems)} problem(s) in the input: nothing written")
    nlp = load_model(model)
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
        for metric in extract_document([doc for _, doc in paras], date=day):
            records.append((doc_name, metric))
    content = format_records(records, format)
    if output is None:
        sys.stdout.write(content)
    else:
        write_atomic(output, content)
        typer.echo(f"{output}: {len(records)} records", err=True)
