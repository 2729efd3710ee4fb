"""Finding and reading what the user names: files of every format, folders (walked for every
format, or for the `glob` patterns given), JSONL with one task (`text`) a line, and `-` for
standard input. Problems are collected as one line per file (and line), never raised."""

from __future__ import annotations

import datetime
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ..pipeline.vocabulary import HAN_RE
from .clean import paragraphs
from .document import Content, Document, DocumentError
from .readers import READERS, decode, read_text


def read_document(path: str | Path, *, encoding: str | None = None, date: datetime.date | None = None) -> Document:
    """The document in the file at `path`, read by its extension (another extension: as text);
    `date` replaces the date of its metadata. A DocumentError names the file and what is wrong."""
    path = Path(path)
    if path.suffix.lower() == ".jsonl":
        raise DocumentError(f"{path}: a JSONL file holds one document a line: read it with read_documents")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DocumentError(f"{path}: {err.strerror or err}") from None
    format, reader = READERS.get(path.suffix.lower(), READERS[".txt"])
    try:
        return _document(str(path), format, reader(data, encoding), date, 1 if format == "txt" else None)
    except DocumentError as err:
        raise err.located(str(path)) from None


def read_documents(
    paths: Iterable[str | Path],
    *,
    glob: Sequence[str] = (),
    encoding: str | None = None,
    date: datetime.date | None = None,
) -> tuple[list[Document], list[str]]:
    """The documents in `paths` (files, folders, `-` for standard input) and the problems found,
    one line each naming its file; a file with a problem gives no document."""
    documents: list[Document] = []
    problems: list[str] = []
    for path in map(str, paths):
        for file in [None] if path == "-" else _files(Path(path), glob, problems):
            try:
                if file is None:
                    documents.append(_read_stdin(encoding, date))
                elif file.suffix.lower() == ".jsonl":
                    documents.extend(_read_jsonl(file, encoding, date, problems))
                else:
                    documents.append(read_document(file, encoding=encoding, date=date))
            except DocumentError as err:
                problems.append(str(err))
    return documents, problems


def _read_stdin(encoding: str | None, date: datetime.date | None) -> Document:
    try:
        return _document("<stdin>", "txt", read_text(sys.stdin.buffer.read(), encoding), date, 1)
    except DocumentError as err:
        raise err.located("<stdin>") from None


def _files(path: Path, glob: Sequence[str], problems: list[str]) -> list[Path]:
    """`path` itself, or the files in the folder `path` that `glob` selects (by default those
    of every known format), hidden files and Word's lock files (~$…) left out."""
    if not path.is_dir():
        return [path]
    try:
        candidates = [file for pattern in glob for file in path.rglob(pattern)] if glob else list(path.rglob("*"))
    except (NotImplementedError, ValueError) as err:  # an absolute or empty pattern
        problems.append(f"{path}: --glob {' '.join(glob)}: {err}")
        return []
    found = {
        file
        for file in candidates
        if file.is_file()
        and (glob or file.suffix.lower() in READERS)
        and not any(part.startswith((".", "~$")) for part in file.relative_to(path).parts)
    }
    if not found:
        wanted = " or ".join(glob) if glob else "/".join(READERS)
        problems.append(f"{path}: no {wanted} files in this folder")
    return sorted(found)


def _read_jsonl(
    file: Path, encoding: str | None, date: datetime.date | None, problems: list[str]
) -> Iterator[Document]:
    """One document for every line of a JSONL file, from its `text`, its paragraphs on that
    line; a bad line is a problem."""
    try:
        text = decode(file.read_bytes(), encoding)
    except OSError as err:
        raise DocumentError(f"{file}: {err.strerror or err}") from None
    except DocumentError as err:
        raise err.located(str(file)) from None
    for line, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            continue
        try:
            body = json.loads(raw)["text"]
            if not isinstance(body, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            problems.append(f"{file}:{line}: text: not a JSON object with a string `text`")
            continue
        try:
            document = _document(f"{file}:{line}", "jsonl", Content([(None, body)]), date, None)
        except DocumentError as err:
            problems.append(str(err.located(f"{file}:{line}")))
            continue
        for paragraph in document.paragraphs:  # the line of the task the paragraph is in
            paragraph.line = line
        yield document


def _document(name: str, format: str, content: Content, date: datetime.date | None, first_line: int | None) -> Document:
    """A document of cleaned paragraphs; one with no Chinese at all is not a report."""
    found = paragraphs(content.parts, first_line)
    if found and not any(HAN_RE.search(paragraph.text) for paragraph in found):
        raise DocumentError("text: no Chinese characters; this pipeline reads Chinese reports", found[0].line)
    return Document(name, format, found, content.title, date or content.date)
