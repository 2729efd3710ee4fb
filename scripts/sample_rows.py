"""Rows for a second person to judge: organisation and campaign, each with its paragraph.

    python scripts/sample_rows.py MODEL ../shared/data/dev.jsonl --rows 150 --output rows.md

Each line is one document, or with `--documents-by url` lines next to each other from the
same page are one (scopes run on between their paragraphs; `--several` keeps only the rows of
such documents, all of them, named or not). Draws `--rows` rows at random (fixed seed) from
those that carry an organisation or a campaign, and writes each as Markdown: the paragraph with the figure in 【】 and the names the
row gives in 〖〗, then the row's indicator, period, organisation and campaign with boxes for
the judge ("right", "wrong", or "should be empty"). The counts of rows that carry each are
printed first, so precision can be set beside how many rows carry a name.

With `--empty` it draws instead from the rows left without an organisation (or a campaign)
although the pipeline found one named before the figure in its paragraph, with each such name
in 〔〕: the judge says whether the row should carry one of them. That measures what the rules
leave out, the other side of how many rows carry a name.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.tokens import Doc

from zh_metrics.corpus.jsonl import read_jsonl_lines
from zh_metrics.files import write_atomic
from zh_metrics.measure.records import group_lines
from zh_metrics.records import Metric, mention_end, metrics_by_paragraph

GIVEN_GUIDE = [
    "Right: the text ties the name to the figure (the body whose result it is or that reports",
    "it as its own; the campaign the figure is a result of). Wrong: a partner, a supervisor, a",
    "fined company, a name from later text, a fragment. A name carried from an earlier",
    "paragraph is not marked in the paragraph.",
]
LEFT_OUT_GUIDE = [
    "Each row was left without an organisation or a campaign although its paragraph names one",
    "before the figure (in 〔〕). Should it carry one of them? Only where the text ties the name to",
    "the figure (the body whose result it is or that reports it as its own; the campaign the",
    "figure is a result of); not a partner, a supervisor, a fined company, a source, a fragment,",
    "a campaign named only as a cause or nearby.",
]


@dataclass
class Row:
    """A row to judge: its line in the input, its document's paragraphs and which one is its
    own, the metric and the ORG and CAMPAIGN names the pipeline found before the figure in its
    paragraph, by label."""

    line: int
    document: list[str]
    paragraph: int
    metric: Metric
    before: dict[str, list[tuple[str, int]]]

    def named(self) -> bool:
        return bool(self.metric.organisation or self.metric.campaign)

    def left_out(self) -> bool:
        return bool(
            (self.metric.organisation is None and self.before.get("ORG"))
            or (self.metric.campaign is None and self.before.get("CAMPAIGN"))
        )


def quoted(paragraph: str) -> str:
    """A paragraph as a Markdown quote, every line of it, and an empty quoted line after it."""
    return "\n".join(f"> {line}" for line in paragraph.splitlines()) + "\n>"


def names_before(doc: Doc, metric: Metric) -> dict[str, list[tuple[str, int]]]:
    """The ORG and CAMPAIGN spans of the paragraph that end before the figure starts."""
    found: dict[str, list[tuple[str, int]]] = {}
    for ent in doc.ents:
        if ent.label_ in ("ORG", "CAMPAIGN") and ent.end_char <= metric.start:
            found.setdefault(ent.label_, []).append((ent.text, ent.start_char))
    return found


def marked(text: str, metric: Metric, before: dict[str, list[tuple[str, int]]]) -> str:
    """The paragraph with the figure in 【】 and either the names `before` it in 〔〕 or, where
    none are asked about, the names the row gives from this paragraph in 〖〗."""
    marks = [(metric.start, "【"), (metric.end, "】")]
    for name, start in (mention for mentions in before.values() for mention in mentions):
        marks += [(start, "〔"), (start + len(name), "〕")]
    for given, at in ((metric.organisation, metric.organisation_start), (metric.campaign, metric.campaign_start)):
        end = mention_end(text, at, given) if given and at is not None and not before else None
        if at is not None and end is not None:
            marks += [(at, "〖"), (end, "〗")]
    for pos, mark in sorted(marks, key=lambda m: (m[0], m[1] in "【〔〖"), reverse=True):
        text = text[:pos] + mark + text[pos:]
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("texts", help="JSONL with `text` (and optional `meta.date`), one document a line")
    parser.add_argument("--rows", type=int, default=150)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", help="Write the Markdown here instead of standard output")
    parser.add_argument("--empty", action="store_true", help="Draw rows left without a name the paragraph has")
    parser.add_argument(
        "--documents-by", help="A `meta` field (e.g. url): lines next to each other that share it are one document"
    )
    parser.add_argument("--several", action="store_true", help="Draw only rows of documents of several paragraphs")
    args = parser.parse_args()
    nlp = spacy.load(args.model)
    tasks = [task for _, task in read_jsonl_lines(args.texts)]
    metas = [task.get("meta") or {} for task in tasks]
    docs = list(nlp.pipe(task["text"] for task in tasks))
    rows: list[Row] = []
    for lines_of in group_lines(metas, args.documents_by):
        document = [tasks[i]["text"] for i in lines_of]
        for at, metric in metrics_by_paragraph([docs[i] for i in lines_of], date=metas[lines_of[0]].get("date")):
            line = lines_of[at]
            rows.append(Row(line + 1, document, at, metric, names_before(docs[line], metric)))
    if args.several:
        rows = [row for row in rows if len(row.document) > 1]
    drawn = (
        [row for row in rows if row.left_out()] if args.empty else [row for row in rows if row.named() or args.several]
    )
    sample = sorted(random.Random(args.seed).sample(drawn, min(args.rows, len(drawn))), key=lambda r: r.line)
    lines = [
        f"# {len(sample)} rows to judge ({args.texts}, {args.model})",
        "",
        f"{len(rows)} rows; {sum(bool(r.metric.organisation) for r in rows)} carry an organisation, "
        f"{sum(bool(r.metric.campaign) for r in rows)} a campaign; {len(drawn)} to draw from.",
        "",
        *(LEFT_OUT_GUIDE if args.empty else GIVEN_GUIDE),
    ]
    for number, row in enumerate(sample, 1):
        metric = row.metric
        lines += [
            "",
            f"## {number}. line {row.line}: {metric.text}",
            "",
            *(
                quoted(marked(text, metric, row.before if args.empty else {}) if at == row.paragraph else text)
                for at, text in enumerate(row.document)
            ),
            f"- indicator: {metric.indicator or '-'}; period: {metric.period or '-'}",
        ]
        if args.empty:
            for label, field in (("ORG", "organisation"), ("CAMPAIGN", "campaign")):
                given = getattr(metric, field)
                names = "、".join(name for name, _ in row.before.get(label, []))
                lines.append(
                    f"- {field}: {given} (given)"
                    if given
                    else f"- {field}: none given; named before: {names or '-'} — should carry: [ ] none [ ] ___"
                )
        else:
            lines += [
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
