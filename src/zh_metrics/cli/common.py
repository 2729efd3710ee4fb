"""What every command shares: the Typer app, failing with one line, loading a pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import typer
from spacy.language import Language

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Figures, change rates, organisations and campaigns from Chinese official reports.",
)


def fail(message: str, code: int = 1) -> NoReturn:
    """End the command with one line on standard error."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


@contextmanager
def loading(model: Path | None) -> Iterator[None]:
    """A pipeline that is missing or cannot be loaded ends the command with its message."""
    from ..api import ModelNotFound, PipelineError

    try:
        yield
    except (ModelNotFound, PipelineError) as err:
        fail(str(err))
    except OSError as err:
        fail(f"{model}: cannot load a pipeline here ({err})")


def load_model(model: Path | None) -> Language:
    """The pipeline at `model` (default: the project's own), or the command ends with why."""
    from ..api import load

    with loading(model):
        return load(model)
