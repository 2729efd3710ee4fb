"""Reading corpus files: JSONL tasks with line numbers, markup files, folders of either."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import srsly

from .markup import read_markup
from .tasks import CorpusError, ErrorHandler, InputErrors, handle_error


def read_jsonl_lines(path: str | Path, on_error: ErrorHandler | None = None) -> Iterator[tuple[int, Any]]:
    """Yield (line number, parsed object); a broken line raises CorpusError naming it,
    or goes to `on_error` and reading continues."""
    path = str(path)
    try:
        fh = open(path, encoding="utf8")
    except OSError as err:
        raise CorpusError(path, 0, "file", err.strerror or str(err)) from None
    with fh:
        lineno = 0
        try:
            for lineno, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    yield lineno, srsly.json_loads(raw)
                except ValueError as err:
                    handle_error(CorpusError(path, lineno, "json", f"invalid JSON ({err})"), on_error)
        except UnicodeDecodeError as err:
            raise CorpusError(path, lineno + 1, "file", f"not UTF-8 text ({err.reason})") from None


def read_text_tasks(path: str | Path) -> list[tuple[int, dict[str, Any]]]:
    """(line, task) for JSONL tasks that each have a string `text`; raises InputErrors naming
    every bad line, so that a run stops before any output is written."""
    problems: list[CorpusError] = []
    tasks: list[tuple[int, dict[str, Any]]] = []
    try:
        for line, task in read_jsonl_lines(path, on_error=problems.append):
            if not isinstance(task, dict) or not isinstance(task.get("text"), str):
                problems.append(CorpusError(str(path), line, "text", "missing or not a string"))
            else:
                tasks.append((line, task))
    except CorpusError as error:
        problems.append(error)
    if problems:
        raise InputErrors(problems, path)
    return tasks


def corpus_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, and for a folder its JSONL files (or, with none, its markup)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(path.glob("*.jsonl")) or sorted(path.glob("*.txt")) or sorted(path.glob("src/*.txt")))
        else:
            files.append(path)
    return files


def read_tasks(
    path: str | Path, on_error: ErrorHandler | None = None, markup: bool = False
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Read tasks from markup (a .txt file, or any file with `markup`) or JSONL, with line numbers."""
    if markup or str(path).endswith(".txt"):
        yield from read_markup(path, on_error)
    else:
        yield from read_jsonl_lines(path, on_error)
