"""Records: one row per figure, with its indicator, change, organisation and campaign.

`extract_document` turns the processed paragraphs of one document into Metric rows;
paragraphs of one document share the organisation and campaign in scope. A `Record` is a Metric
with where it came from (document, paragraph, page) and the document's date. `format_records`
writes records as JSONL, CSV or a table; `record_rows` and `parquet_bytes` give them in the one
Parquet schema (`RECORD_FIELDS`) that every engine writes.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from spacy.tokens import Doc, Span

from .pipeline.link import sentence_bounds
from .pipeline.tokenizer import doc_text
from .pipeline.vocabulary import (
    AFTER_ENTITY_FRAME,
    FIGURE_HEAD_LABELS,
    INDICATOR_BREAK,
    LEADING_FILLERS,
    SOURCE_AFTER,
    SOURCE_BEFORE,
    TRAILING_FILLERS,
)

if TYPE_CHECKING:
    import pyarrow


@dataclass
class Change:
    value: int | float | None
    unit: str | None
    basis: str | None
    text: str


@dataclass
class Metric:
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


def indicator_of(doc: Doc, span: Span, text: str) -> str:
    """The words naming what a figure counts: back from the figure to the clause start or
    the previous entity, without fillers such as 共/累计 or change words (`text`: the doc's)."""
    left = max(
        (m.end() for m in INDICATOR_BREAK.finditer(text, max(0, span.start_char - 40), span.start_char)),
        default=max(0, span.start_char - 40),
    )
    after_entity = False
    i = span.start - 1
    while i >= 0 and doc[i].idx >= left:
        if doc[i].ent_iob_ != "O":  # the last token of the previous entity
            left = doc[i].idx + len(doc[i].text)
            after_entity = True
            break
        i -= 1
    phrase = text[left : span.start_char].strip()
    if after_entity:  # 在“断卡”行动中破获…: the frame around the entity is not the indicator
        phrase = AFTER_ENTITY_FRAME.sub("", phrase)
    phrase = LEADING_FILLERS.sub("", phrase)
    return TRAILING_FILLERS.sub("", phrase).strip()


def is_source(ent: Span, text: str) -> bool:
    """A byline or source (来源: XX日报, XX社北京3月1日电): who reports, not who acts."""
    before = text[max(0, ent.start_char - 6) : ent.start_char]
    after = text[ent.end_char : ent.end_char + 12]
    return bool(
        SOURCE_BEFORE.search(before) or SOURCE_AFTER.match(after) or re.match(r"^\S{0,4}\d{1,2}月\d{1,2}日电", after)
    )


def _in_scope(names: list[tuple[int, int, str]], where: tuple[int, int]) -> str | None:
    """The nearest name before `where` (paragraph, offset), else the document's first."""
    before = [name for p, start, name in names if (p, start) < where]
    if before:
        return before[-1]
    return names[0][2] if names else None


def extract_document(docs: list[Doc]) -> list[Metric]:
    """Metric rows of a document given as its processed paragraphs, in order. Each figure
    gets the organisation and campaign nearest before it in the document, else the first."""
    return [metric for _, metric in metrics_by_paragraph(docs)]


def metrics_by_paragraph(docs: list[Doc]) -> list[tuple[int, Metric]]:
    """The rows of `extract_document`, each with the index of its paragraph in `docs`."""
    texts = [doc_text(doc) for doc in docs]
    orgs = [
        (i, e.start_char, e.text)
        for i, doc in enumerate(docs)
        for e in doc.ents
        if e.label_ == "ORG" and not is_source(e, texts[i])
    ]
    campaigns = [(i, e.start_char, e.text) for i, doc in enumerate(docs) for e in doc.ents if e.label_ == "CAMPAIGN"]
    metrics = []
    paragraph_of: list[int] = []
    for i, doc in enumerate(docs):
        for ent, rate in _figures_with_changes(doc):
            text = texts[i]
            left, right = sentence_bounds(text, ent.start_char, ent.end_char)
            is_rate = ent.label_ == "RATE"
            paragraph_of.append(i)
            metrics.append(
                Metric(
                    indicator=indicator_of(doc, ent, text),
                    label=ent.label_,
                    text=ent.text,
                    value=None if is_rate else ent._.value,
                    unit=None if is_rate else ent._.unit,
                    qualifier=None if is_rate else ent._.qualifier,
                    change=None if rate is None else Change(rate._.value, rate._.unit, rate._.basis, rate.text),
                    organisation=_in_scope(orgs, (i, ent.start_char)),
                    campaign=_in_scope(campaigns, (i, ent.start_char)),
                    sentence=text[left:right].strip(),
                    start=ent.start_char,
                    end=ent.end_char,
                )
            )
    _fill_indicators(metrics)
    return list(zip(paragraph_of, metrics))


def _figures_with_changes(doc: Doc) -> Iterator[tuple[Span, Span | None]]:
    """Each figure with its linked rate, and each rate that has no figure on its own."""
    by_offsets = {(e.start_char, e.end_char): e for e in doc.ents}
    rate_of: dict[tuple[int, int], Span] = {}
    linked: set[tuple[int, int]] = set()
    for hs, he, cs, ce in doc._.relations or []:
        if (hs, he) in by_offsets and (cs, ce) in by_offsets:
            rate_of.setdefault((hs, he), by_offsets[(cs, ce)])
            linked.add((cs, ce))
    for ent in doc.ents:
        key = (ent.start_char, ent.end_char)
        if ent.label_ in FIGURE_HEAD_LABELS:
            yield ent, rate_of.get(key)
        elif ent.label_ == "RATE" and key not in linked:
            yield ent, ent


def _fill_indicators(metrics: list[Metric]) -> None:
    """A figure right after another (13批7315人) shares the indicator of the one before."""
    for previous, metric in zip(metrics, metrics[1:]):
        if not metric.indicator and previous.sentence == metric.sentence:
            metric.indicator = previous.indicator


def flatten(row_of: Metric | Record) -> dict[str, Any]:
    """One flat row: change fields become change_value, change_unit, change_basis, change_text."""
    row = row_of.to_dict()
    change = row.pop("change") or {}
    for field in ("value", "unit", "basis", "text"):
        row[f"change_{field}"] = change.get(field)
    return row


COLUMNS = (
    "document",
    "paragraph",
    "page",
    "date",
    "indicator",
    "label",
    "text",
    "value",
    "unit",
    "qualifier",
    "change_value",
    "change_unit",
    "change_basis",
    "change_text",
    "organisation",
    "campaign",
    "sentence",
    "start",
    "end",
)


# The Parquet schema, the same for every engine: column → (Arrow type, nullable). A row is a
# Record flattened (`flatten`). The period fields stay null until Metric carries them.
RECORD_FIELDS: dict[str, tuple[str, bool]] = {
    "document": ("string", False),
    "paragraph": ("int64", False),
    "page": ("int64", True),
    "date": ("date32", True),
    "indicator": ("string", False),
    "label": ("string", False),
    "text": ("string", False),
    "value": ("float64", True),
    "unit": ("string", True),
    "qualifier": ("string", True),
    "change_value": ("float64", True),
    "change_unit": ("string", True),
    "change_basis": ("string", True),
    "change_text": ("string", True),
    "organisation": ("string", True),
    "campaign": ("string", True),
    "period": ("string", True),
    "period_start": ("string", True),
    "period_end": ("string", True),
    "sentence": ("string", False),
    "start": ("int64", False),
    "end": ("int64", False),
}


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra that brings it."""


def pyarrow_module() -> ModuleType:
    """pyarrow with its Parquet module, or MissingExtra naming the extra to install."""
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError as err:
        raise MissingExtra("Parquet needs pyarrow: pip install 'zh-metrics[parquet]'") from err
    return pyarrow


def record_schema() -> pyarrow.Schema:
    """RECORD_FIELDS as an Arrow schema (pyarrow is imported only when Parquet is asked for)."""
    pa = pyarrow_module()
    return pa.schema(
        [pa.field(name, getattr(pa, kind)(), nullable=nullable) for name, (kind, nullable) in RECORD_FIELDS.items()]
    )


def record_rows(records: Iterable[Record]) -> list[dict[str, Any]]:
    """Records as rows of the Parquet schema: every column of RECORD_FIELDS, None where a
    record has no such field, the date as a date."""
    rows = []
    for record in records:
        row = {**flatten(record), "date": record.date}
        rows.append({column: row.get(column) for column in RECORD_FIELDS})
    return rows


def parquet_bytes(rows: list[dict[str, Any]]) -> bytes:
    """Rows of `record_rows` as one Parquet file in the record schema."""
    pa = pyarrow_module()
    sink = pa.BufferOutputStream()
    pa.parquet.write_table(pa.Table.from_pylist(rows, schema=record_schema()), sink)
    return sink.getvalue().to_pybytes()


def format_records(records: list[Record], fmt: str) -> str:
    """JSONL (nested change), CSV (flat columns) or a plain-text table."""
    if fmt == "jsonl":
        return "".join(json.dumps(record.to_dict(), ensure_ascii=False) + "\n" for record in records)
    rows = [flatten(record) for record in records]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    shown = (
        "indicator",
        "text",
        "value",
        "unit",
        "qualifier",
        "change_value",
        "change_basis",
        "organisation",
        "campaign",
    )
    cells = [[_cell(r[c]) for c in shown] for r in rows]
    widths = [max([display_width(c)] + [display_width(row[i]) for row in cells]) for i, c in enumerate(shown)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(shown, widths))]
    lines += ["  ".join(_pad(v, w) for v, w in zip(row, widths)) for row in cells]
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:+.4g}" if abs(value) < 100 else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)[:24]


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: two for wide (CJK) characters, one for the others."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))
