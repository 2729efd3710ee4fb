"""The record of one figure: what it counts, its value, change, period and whose it is."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Change:
    value: int | float | None
    unit: str | None
    basis: str | None
    text: str


@dataclass
class Metric:
    """One row per figure. Offsets are characters of the figure's paragraph; a name carried
    over from an earlier paragraph of the document has a negative `organisation_start` or
    `campaign_start`, counted back from this paragraph's start in the document's text (its
    paragraphs joined by newlines)."""

    indicator: str
    label: str
    text: str
    value: int | float | None
    unit: str | None
    qualifier: str | None
    change: Change | None
    organisation: str | None
    campaign: str | None
    sentence: str
    start: int
    end: int
    period: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    organisation_start: int | None = None
    campaign_start: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Record:
    """A Metric with where it came from: the document's name, the number of the paragraph (its
    `start`/`end` are offsets in that paragraph's cleaned text), the PDF page, and the date of
    the document (from its metadata or given by the user), which dates relative periods."""

    metric: Metric
    document: str
    paragraph: int
    page: int | None = None
    date: datetime.date | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record's own fields, then the metric's (`date` as YYYY-MM-DD)."""
        return {**self.source(), **self.metric.to_dict()}

    def source(self) -> dict[str, Any]:
        """Where the metric came from: document, paragraph, page, date."""
        date = self.date.isoformat() if self.date else None
        return {"document": self.document, "paragraph": self.paragraph, "page": self.page, "date": date}


def flatten(row_of: Metric | Record) -> dict[str, Any]:
    """One flat row: change fields become change_value, change_unit, change_basis, change_text."""
    row = row_of.to_dict()
    change = row.pop("change") or {}
    for field in ("value", "unit", "basis", "text"):
        row[f"change_{field}"] = change.get(field)
    return row
