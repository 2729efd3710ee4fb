"""What every command shares: the Typer app, the `--model/-m` option, failing with one line,
loading a pipeline, reporting bad input.

The conventions: inputs are arguments; the pipeline is `--model/-m` (default: the project's
training/model-best); a command that turns one file into another takes `IN OUT` (`convert`,
`predict`), other files written are `--output/-o` and folders `--output-dir`; choices are Enums.
Each command parses its arguments and calls one function of the library that does the work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import typer
from spacy.language import Language

from ..corpus.tasks import CorpusError, InputErrors

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Figures, change rates, organisations and campaigns from Chinese official reports.",
)


def model_option() -> Any:
    """The `--model/-m` option of every command that runs a pipeline."""
    return typer.Option(
        None,
        "--model",
        "-m",
        help="Trained pipeline folder (default: the project's training/model-best)",
        show_default=False,
    )


def fail(message: str, code: int = 1) -> NoReturn:
    """End the command with one line on standard error."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


@contextmanager
def loading(model: Path | None) -> Iterator[None]:
    """A pipeline that is missing or cannot be loaded ends the command with one line that names
    its folder or file and what went wrong."""
    from ..api import DEFAULT_MODEL, ModelNotFound, PipelineError

    try:
        yield
    except (ModelNotFound, PipelineError) as err:
        fail(str(err))
    except OSError as err:
        fail(f"{model or DEFAULT_MODEL}: cannot load a pipeline here ({err})")


def load_model(model: Path | None) -> Language:
    """The pipeline at `model` (default: the project's own), or the command ends with why."""
    from ..api import load

    with loading(model):
        return load(model)


@contextmanager
def reporting_bad_input() -> Iterator[None]:
    """Bad input ends the command with one line per problem (file, line, field), then a summary
    line, exit code 1; the library functions raise before writing anything."""
    try:
        yield
    except InputErrors as errors:
        for problem in errors.problems:
            typer.echo(problem, err=True)
        fail(str(errors))
    except CorpusError as error:
        fail(str(error))
