"""A document as the pipeline reads it: cleaned paragraphs with where each came from."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Paragraph:
    """One paragraph of cleaned text. `number` counts the document's paragraphs from 1; `page`
    is the PDF page it starts on; `line` the line of a text file it starts on, or the line of
    its JSONL task (None for other formats)."""

    number: int
    text: str
    page: int | None = None
    line: int | None = None


@dataclass
class Document:
    """A report read from a file: its name (the path as given, `<stdin>`, or `FILE.jsonl:LINE`
    for a JSONL task), its format, its paragraphs, and the title and date its metadata gives."""

    name: str
    format: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    title: str | None = None
    date: datetime.date | None = None


@dataclass
class Content:
    """What a reader takes out of a file, before cleaning: text parts with the PDF page each
    comes from (None for other formats), and the title and date of the file's metadata."""

    parts: Sequence[tuple[int | None, str]]
    title: str | None = None
    date: datetime.date | None = None


class DocumentError(ValueError):
    """A file that cannot be read as a report. Readers say what is wrong and, where one line is
    to blame, which (`line`); `located` gives the one line a user sees, naming the file."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line

    def located(self, name: str) -> DocumentError:
        """The same error as `FILE: what` or `FILE:LINE: what`."""
        return DocumentError(f"{name}:{self.line}: {self}" if self.line is not None else f"{name}: {self}")
