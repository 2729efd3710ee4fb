"""Service commands: serve (the HTTP API and the page) and render (the page's result as one
self-contained HTML file)."""

from __future__ import annotations

import datetime
from pathlib import Path

import typer

from ..files import write_atomic
from .common import app, fail, load_model, model_option


@app.command()
def serve(
    model: Path | None = model_option(),
    host: str = typer.Option("127.0.0.1", help="Address to listen on; another than 127.0.0.1 opens it to others"),
    port: int = typer.Option(8000, help="Port to listen on"),
    timeout: float = typer.Option(30.0, help="Seconds a request may take before it is answered with 504"),
    max_pending: int = typer.Option(16, help="Requests that may wait for the pipeline before 503"),
) -> None:
    """Serve POST /extract, the page at / and /docs, loading the pipeline once."""
    try:
        from ..serve.app import create_app
        from ..serve.server import run
    except ImportError as err:
        fail(f"serve needs the `serve` extra: pip install 'zh-metrics[serve]' ({err})")
    nlp = load_model(model)
    run(create_app(nlp, timeout=timeout, max_pending=max_pending), host, port)


@app.command()
def render(
    path: str = typer.Argument(..., help="A report in any format `extract` reads, or - for standard input"),
    model: Path | None = model_option(),
    output: Path = typer.Option(..., "--output", "-o", help="The HTML file to write (atomically)"),
    date: datetime.datetime | None = typer.Option(
        None, formats=["%Y-%m-%d"], help="The report's date, instead of its metadata's"
    ),
) -> None:
    """Write the page's result for one report as one HTML file that needs no network."""
    from ..serve.analysis import BadInput, analyse, file_documents
    from ..serve.render import render_document

    try:
        documents = file_documents(path, date.date() if date else None)
    except BadInput as err:
        fail(f"{err}: nothing written")
    nlp = load_model(model)
    analysis = analyse(nlp, documents)
    write_atomic(output, render_document(analysis, Path(path).name if path != "-" else "standard input"))
    typer.echo(f"{output}: {len(analysis.entities)} entities, {len(analysis.records)} records", err=True)
