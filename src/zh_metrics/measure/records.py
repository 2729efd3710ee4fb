"""Score the records' indicator and period against record gold (`dev_records.jsonl`).

Each gold record names a figure by `figure` text and `start`/`end` in its paragraph, with the
gold `indicator` and `period` (exact substrings, or null). A predicted row answers for a gold
record when its figure has the same text and offsets; a gold figure the pipeline did not find
counts as wrong. Exact: the predicted string equals the gold one (null equals null). Character
F1: the overlap of the two strings as multisets of characters, 1 when both are null and 0 when
only one is; averaged over the gold records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import groupby
from pathlib import Path
from typing import Any, NamedTuple

from spacy.language import Language

from ..corpus.jsonl import read_jsonl_lines
from ..corpus.tasks import CorpusError
from ..records import Metric, metrics_by_paragraph

FIELDS = ("indicator", "period")


def char_f1(predicted: str | None, gold: str | None) -> float:
    """F1 of the characters two strings share (as multisets); both null counts as a match."""
    if not predicted or not gold:
        return float(not predicted and not gold)
    common = sum((Counter(predicted) & Counter(gold)).values())
    if not common:
        return 0.0
    precision, recall = common / len(predicted), common / len(gold)
    return 2 * precision * recall / (precision + recall)


class GoldParagraph(NamedTuple):
    """A paragraph of record gold: its text, its task's `meta` (with the document date in
    `meta.date`) and its gold records."""

    text: str
    meta: dict[str, Any]
    records: list[dict]

    @property
    def date(self) -> str | None:
        return self.meta.get("date")


def read_record_gold(texts_path: str | Path, records_path: str | Path) -> list[GoldParagraph]:
    """The gold paragraphs: the texts come from the first file, the records from the second,
    joined by line order and checked to have the same text."""
    texts = list(read_jsonl_lines(texts_path))
    golds = list(read_jsonl_lines(records_path))
    if len(texts) != len(golds):
        raise CorpusError(str(records_path), 0, "file", f"{len(golds)} lines, but {texts_path} has {len(texts)}")
    joined = []
    for (_, task), (line, gold) in zip(texts, golds):
        if not isinstance(gold, dict) or gold.get("text") != task.get("text"):
            raise CorpusError(str(records_path), line, "text", f"not the text of the same line of {texts_path}")
        records = gold.get("records")
        if not isinstance(records, list) or not all(isinstance(r, dict) and "start" in r for r in records):
            raise CorpusError(str(records_path), line, "records", "not a list of records with start and end")
        joined.append(GoldParagraph(task["text"], task.get("meta") or {}, records))
    return joined


def documents(paragraphs: list[GoldParagraph], key: str | None) -> list[list[GoldParagraph]]:
    """The paragraphs grouped into documents by `group_lines`."""
    return [[paragraphs[i] for i in group] for group in group_lines([p.meta for p in paragraphs], key)]


def group_lines(metas: list[dict[str, Any]], key: str | None) -> list[list[int]]:
    """Line numbers (from 0) grouped into documents: each line is one, or with a `key`, lines
    next to each other whose `meta[key]` is the same (a page's URL) are one, in file order."""
    if key is None:
        return [[i] for i in range(len(metas))]
    grouped = groupby(range(len(metas)), lambda i: metas[i].get(key) or f"line {i}")
    return [list(group) for _, group in grouped]


def compare_records(gold: list[dict], predicted: Iterable[Metric]) -> list[dict[str, Any]]:
    """Each gold record beside the row predicted for the same figure (matched by figure text
    and offsets): `found`, and per field the gold and predicted strings."""
    by_figure = {(m.text, m.start, m.end): m for m in predicted}
    compared = []
    for record in gold:
        metric = by_figure.get((str(record.get("figure")), record["start"], record["end"]))
        row: dict[str, Any] = {"figure": record.get("figure"), "start": record["start"], "found": metric is not None}
        for field in FIELDS:
            row[field] = (record.get(field), None if metric is None else getattr(metric, field))
        compared.append(row)
    return compared


def evaluate_records(
    nlp: Language, texts_path: str | Path, records_path: str | Path, documents_by: str | None = None
) -> dict[str, Any]:
    """Indicator and period, exact and character F1, of the pipeline's rows on record gold,
    with the rows that differ. Each line of the text file is one document, dated by its
    `meta.date` where it has one; with `documents_by`, lines next to each other that share that
    `meta` field are one document, so periods and names run on between its paragraphs, and the
    rows of documents of several paragraphs are also scored on their own (`several`)."""
    grouped = documents(read_record_gold(texts_path, records_path), documents_by)
    compared: list[dict[str, Any]] = []
    several: list[dict[str, Any]] = []
    docs = iter(nlp.pipe(paragraph.text for document in grouped for paragraph in document))
    for document in grouped:
        paragraph_docs = [next(docs) for _ in document]
        rows = metrics_by_paragraph(paragraph_docs, date=document[0].date)
        for i, paragraph in enumerate(document):
            found = compare_records(paragraph.records, (metric for at, metric in rows if at == i))
            compared.extend(found)
            if len(document) > 1:
                several.extend(found)
    result: dict[str, Any] = {"texts": str(texts_path), "records": str(records_path), "documents": len(grouped)}
    result.update(_scores(compared))
    if documents_by is not None:
        result["several"] = {"documents": sum(len(d) > 1 for d in grouped), **_scores(several)}
    return result


def _scores(compared: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(compared)
    result: dict[str, Any] = {"figures": n, "found": sum(row["found"] for row in compared) / n if n else 0.0}
    for field in FIELDS:
        exact = [row["found"] and row[field][0] == row[field][1] for row in compared]
        chars = [char_f1(row[field][1], row[field][0]) if row["found"] else 0.0 for row in compared]
        result[f"{field}_exact"] = sum(exact) / n if n else 0.0
        result[f"{field}_char_f1"] = sum(chars) / n if n else 0.0
        result[f"{field}_misses"] = [
            {"figure": row["figure"], "start": row["start"], "gold": row[field][0], "predicted": row[field][1]}
            for row, right in zip(compared, exact)
            if row["found"] and not right
        ]
    return result


def format_record_scores(result: dict[str, Any]) -> str:
    """The scores as a small table."""
    lines = [
        f"{result['records']} ({result['figures']} gold figures in {result['documents']} documents, "
        f"{result['found']:.1%} found by the pipeline)",
        *_table(result),
    ]
    several = result.get("several")
    if several:
        lines += [
            f"of which in the {several['documents']} documents of several paragraphs ({several['figures']} gold "
            f"figures, {several['found']:.1%} found)",
            *_table(several),
        ]
    return "\n".join(lines)


def _table(scores: dict[str, Any]) -> list[str]:
    lines = [f"{'field':<11}{'exact':>8}{'char F1':>9}"]
    for field in FIELDS:
        lines.append(f"{field:<11}{scores[f'{field}_exact']:>8.3f}{scores[f'{field}_char_f1']:>9.3f}")
    return lines
