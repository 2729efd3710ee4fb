"""Rows for a second person to judge: organisation and campaign, each with its paragraph.

    python scripts/sample_rows.py MODEL ../shared/data/dev.jsonl --rows 150 --output rows.md

Draws `--rows` rows at random (fixed seed) from those that carry an organisation or a
campaign, and writes each as Markdown: the paragraph with the figure in 【】 and the names the
row gives in 〖〗, then the row's indicator, period, organisation and campaign with boxes for
the judge ("right", "wrong", or "should be empty"). The counts of rows that carry each are
printed first, so precision can be set beside how many rows carry a name.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import spacy

from zh_metrics.corpus.jsonl import read_jsonl_lines
from zh_metrics.files import write_atomic
from zh_metrics.records import Metric, extract_document, mention_end


def marked(text: str, metric: Metric) -> str:
    """The paragraph with the figure in 【】 and the names found in this paragraph in 〖〗."""
    marks = [(metric.start, "【"), (metric.end, "】")]
    for name, start in ((metric.organisation, metric.organisation_start), (metric.campaign, metric.campaign_start)):
        end = mention_end(text, start, name) if name and start is not None else None
        if end is not None:
            marks += [(start, "〖"), (end, "〗")]
    for pos, mark in sorted(marks, reverse=True):
        text = text[:pos] + mark + text[pos:]
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("texts", help="JSONL with `text` (and optional `meta.date`), one document a line")
    parser.add_argument("--rows", type=int, default=150)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", help="Write the Markdown here instead of standard output")
    args = parser.parse_args()
    nlp = spacy.load(args.model)
    tasks = [task for _, task in read_jsonl_lines(args.texts)]
    rows: list[tuple[int, str, Metric]] = []
    for line, (task, doc) in enumerate(zip(tasks, nlp.pipe(t["text"] for t in tasks)), 1):
        for metric in extract_document([doc], date=(task.get("meta") or {}).get("date")):
            rows.append((line, task["text"], metric))
    named = [row for row in rows if row[2].organisation or row[2].campaign]
    sample = sorted(random.Random(args.seed).sample(named, min(args.rows, len(named))), key=lambda r: r[0])
    lines = [
        f"# {len(sample)} rows to judge ({args.texts}, {args.model})",
        "",
        f"{len(rows)} rows; {sum(bool(r[2].organisation) for r in rows)} carry an organisation, "
        f"{sum(bool(r[2].campaign) for r in rows)} a campaign.",
        "",
        "Right: the text ties the name to the figure (the body whose result it is or that reports",
        "it as its own; the campaign the figure is a result of). Wrong: a partner, a supervisor, a",
        "fined company, a name from later text, a fragment. A name carried from an earlier",
        "paragraph is not marked in the paragraph.",
    ]
    for number, (line, text, metric) in enumerate(sample, 1):
        lines += [
            "",
            f"## {number}. line {line}: {metric.text}",
            "",
            f"> {marked(text, metric)}",
            "",
            f"- indicator: {metric.indicator or '-'}; period: {metric.period or '-'}",
            f"- organisation: {metric.organisation or '-'} (at {metric.organisation_start}) — [ ] right [ ] wrong",
            f"- campaign: {metric.campaign or '-'} (at {metric.campaign_start}) — [ ] right [ ] wrong",
        ]
    content = "\n".join(lines) + "\n"
    if args.output:
        write_atomic(Path(args.output), content)
    else:
        print(content, end="")


if __name__ == "__main__":
    main()
