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
from pathlib import Path
from typing import Any

from spacy.language import Language

from ..corpus.jsonl import read_jsonl_lines
from ..corpus.tasks import CorpusError
from ..records import Metric, extract_document

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


def read_record_gold(texts_path: str | Path, records_path: str | Path) -> list[tuple[str, str | None, list[dict]]]:
    """(text, document date, gold records) per paragraph: the texts come from the first file,
    the records from the second, joined by line order and checked to have the same text."""
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
        meta = task.get("meta") or {}
        joined.append((task["text"], meta.get("date"), records))
    return joined


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


def evaluate_records(nlp: Language, texts_path: str | Path, records_path: str | Path) -> dict[str, Any]:
    """Indicator and period, exact and character F1, of the pipeline's rows on record gold,
    with the rows that differ. Each line of the text file is one document, dated by its
    `meta.date` where it has one."""
    joined = read_record_gold(texts_path, records_path)
    compared: list[dict[str, Any]] = []
    for (_, date, gold), doc in zip(joined, nlp.pipe(text for text, _, _ in joined)):
        compared.extend(compare_records(gold, extract_document([doc], date=date)))
    n = len(compared)
    result: dict[str, Any] = {"texts": str(texts_path), "records": str(records_path), "figures": n}
    result["found"] = sum(row["found"] for row in compared) / n if n else 0.0
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
        f"{result['records']} ({result['figures']} gold figures, {result['found']:.1%} found by the pipeline)",
        f"{'field':<11}{'exact':>8}{'char F1':>9}",
    ]
    for field in FIELDS:
        lines.append(f"{field:<11}{result[f'{field}_exact']:>8.3f}{result[f'{field}_char_f1']:>9.3f}")
    return "\n".join(lines)
