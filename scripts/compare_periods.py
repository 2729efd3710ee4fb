"""Compare the records' period rules with JioNLP's time extractor and parser on record gold.

Development-only: `pip install jionlp`, then
    python scripts/compare_periods.py MODEL ../shared/data/dev.jsonl ../shared/data/dev_records.jsonl
Finding: for each gold figure, the period our rules give (`zh_metrics.records`) against the
nearest time expression JioNLP's `extract_time` finds before the figure (its own text), both
scored exact against the gold period. Dates: every distinct gold period through our
`period_dates` and through JioNLP's `parse_time`, with one document date, counting how many
each settles and listing where they differ, for reading by hand.
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path

import spacy

from zh_metrics.files import write_atomic
from zh_metrics.measure.records import compare_records, read_record_gold
from zh_metrics.records import extract_document
from zh_metrics.records.period import period_dates

DATE = datetime.date(2025, 7, 15)


def jionlp_anchor(jio, text: str, start: int, date: datetime.date) -> str | None:
    """The nearest time expression JioNLP finds ending before `start`."""
    base = {"year": date.year, "month": date.month, "day": date.day}
    found = [t for t in jio.ner.extract_time(text, time_base=base, with_parsing=False) if t["offset"][1] <= start]
    return found[-1]["text"] if found else None


def jionlp_dates(jio, period: str, date: datetime.date) -> tuple[str | None, str | None]:
    """JioNLP's span for a period, as ISO dates; open ends (inf) and failures are None."""
    base = {"year": date.year, "month": date.month, "day": date.day}
    try:
        parsed = jio.parse_time(period, time_base=base)
    except Exception:  # noqa: BLE001 - JioNLP raises bare ValueError/TypeError/KeyError on what it cannot read
        return None, None
    times = parsed.get("time") or []
    if parsed.get("type") not in ("time_span", "time_point") or len(times) != 2:
        return None, None
    return tuple(t[:10] if t[:1].isdigit() else None for t in times)  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("texts")
    parser.add_argument("records")
    parser.add_argument("--output", help="Write the comparison here as Markdown")
    args = parser.parse_args()
    import jionlp as jio

    nlp = spacy.load(args.model)
    joined = read_record_gold(args.texts, args.records)
    ours = theirs = total = 0
    periods: set[str] = set()
    for (text, meta, gold), doc in zip(joined, nlp.pipe(paragraph.text for paragraph in joined)):
        for row, record in zip(compare_records(gold, extract_document([doc], date=meta.get("date"))), gold):
            total += 1
            right = record.get("period")
            ours += row["found"] and row["period"][1] == right
            theirs += jionlp_anchor(jio, text, record["start"], DATE) == right
            if right:
                periods.add(right)
    lines = [
        f"Gold figures: {total}. Period exact:",
        f"- zh_metrics rules: {ours / total:.3f}",
        f"- JioNLP extract_time, nearest before the figure: {theirs / total:.3f}",
        "",
        f"Dates of the {len(periods)} distinct gold periods, document date {DATE}:",
    ]
    differ = []
    settled_ours = settled_theirs = 0
    for period in sorted(periods):
        mine, jio_dates = period_dates(period, DATE), jionlp_dates(jio, period, DATE)
        settled_ours += any(mine)
        settled_theirs += any(jio_dates)
        if mine != jio_dates:
            differ.append(f"| {period} | {mine[0]} … {mine[1]} | {jio_dates[0]} … {jio_dates[1]} |")
    lines += [
        f"- zh_metrics period_dates settles at least one end of {settled_ours}",
        f"- JioNLP parse_time settles at least one end of {settled_theirs}",
        "",
        "| period | zh_metrics | JioNLP |",
        "|---|---|---|",
        *differ,
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.output:
        write_atomic(Path(args.output), report)


if __name__ == "__main__":
    main()
