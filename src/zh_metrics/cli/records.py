"""Record commands: extract (rows from reports)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..files import write_atomic
from .common import app, fail, load_model


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
) -> None:
    """One record per figure: indicator, value, unit, change, organisation, campaign."""
    from threadpoolctl import threadpool_limits

    from ..documents import read_documents
    from ..records import extract_document, format_records

    if format not in ("jsonl", "csv", "table"):
        fail(f"--format: {format!r} is not one of jsonl, csv, table")
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
        for metric in extract_document([doc for _, doc in paras]):
            records.append((doc_name, metric))
    content = format_records(records, format)
    if output is None:
        sys.stdout.write(content)
    else:
        write_atomic(output, content)
        typer.echo(f"{output}: {len(records)} records", err=True)
