"""Records as JSONL (nested change), CSV (flat columns) or a plain-text table."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Any

from .metric import Metric, Record, flatten

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
    "period",
    "period_start",
    "period_end",
    "organisation",
    "organisation_start",
    "campaign",
    "campaign_start",
    "sentence",
    "start",
    "end",
)
TABLE_COLUMNS = ("indicator", "text", "value", "unit", "qualifier", "change", "period", "organisation", "campaign")


def task_record(metric: Metric) -> dict[str, Any]:
    """A row as a prediction task carries it, in the shape of the record gold (figure, start,
    end, label, indicator, period) with the other fields beside it."""
    row = flatten(metric)
    return {"figure": row.pop("text"), **{k: row[k] for k in ("start", "end", "label")}, **row}


def format_records(records: list[Record], fmt: str) -> str:
    """JSONL (nested change), CSV (flat columns) or a plain-text table."""
    if fmt == "jsonl":
        return "".join(json.dumps(record.to_dict(), ensure_ascii=False) + "\n" for record in records)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(flatten(record) for record in records)
        return out.getvalue()
    rows = [{**flatten(record), "change": change_cell(record.metric)} for record in records]
    cells = [[_cell(r[c]) for c in TABLE_COLUMNS] for r in rows]
    widths = [max([display_width(c)] + [display_width(row[i]) for row in cells]) for i, c in enumerate(TABLE_COLUMNS)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(TABLE_COLUMNS, widths))]
    lines += ["  ".join(_pad(v, w) for v, w in zip(row, widths)) for row in cells]
    return "\n".join(lines) + "\n"


def change_cell(metric: Metric) -> str | None:
    """The change with its unit and basis: +37.4% 同比, -2.3 pp, +3 起."""
    change = metric.change
    if change is None or change.value is None:
        return None if change is None else change.text
    if change.unit == "ratio":
        shown = f"{change.value * 100:+.4g}%"
    elif change.unit == "percentage_point":
        shown = f"{change.value:+.4g} pp"
    else:
        shown = f"{change.value:+,.4g} {change.unit or ''}".rstrip()
    return f"{shown} {change.basis}" if change.basis else shown


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
