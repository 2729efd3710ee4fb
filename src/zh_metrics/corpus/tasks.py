"""The corpus format: Prodigy-style tasks, their errors, and conversion to and from Docs.

Character offsets are the truth. Tokens in a task are derived from the text, one per
character, so a span boundary is always a token boundary of the task itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import murmurhash
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..pipeline.vocabulary import REL_LABEL, VALUE_LABELS

SPAN_FIELDS = ("value", "unit", "qualifier", "basis", "value_max", "currency", "value_error")

if not Doc.has_extension("relations"):
    Doc.set_extension("relations", default=None)
if not Doc.has_extension("task_meta"):
    Doc.set_extension("task_meta", default=None)


@dataclass(frozen=True)
class CorpusError(Exception):
    """A problem in a corpus file, located by file, line and field."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class InputErrors(Exception):
    """Problems found in an input before anything was written, each a line naming its file,
    line and field; a command prints them all, not just the first."""

    def __init__(self, problems: Iterable[object], source: object) -> None:
        self.problems = [str(problem) for problem in problems]
        super().__init__(f"{len(self.problems)} problem(s) in {source}: nothing written")


ErrorHandler = Callable[[CorpusError], None]

# ---------------------------------------------------------------------------
# Tasks


def char_tokens(text: str) -> list[dict[str, Any]]:
    """One Prodigy token per character: the finest grid, so every offset is a boundary."""
    return [{"text": ch, "start": i, "end": i + 1, "id": i, "ws": False} for i, ch in enumerate(text)]


def make_span(start: int, end: int, label: str, **fields: Any) -> dict[str, Any]:
    span = {"start": start, "end": end, "token_start": start, "token_end": end - 1, "label": label}
    span.update({k: v for k, v in fields.items() if k in SPAN_FIELDS})
    return span


def make_relation(head: dict[str, Any], child: dict[str, Any], label: str = REL_LABEL) -> dict[str, Any]:
    """A Prodigy relation: `head`/`child` are the last token index of each span."""
    return {
        "head": head["token_end"],
        "child": child["token_end"],
        "head_span": {k: head[k] for k in ("start", "end", "token_start", "token_end", "label")},
        "child_span": {k: child[k] for k in ("start", "end", "token_start", "token_end", "label")},
        "label": label,
    }


def make_task(
    text: str,
    spans: Iterable[dict[str, Any]],
    relations: Iterable[tuple[tuple[int, int], tuple[int, int]]] = (),
    meta: dict[str, Any] | None = None,
    answer: str = "accept",
) -> dict[str, Any]:
    """Build a canonical task; `relations` are ((head start, end), (child start, end)) offsets."""
    spans = sorted(spans, key=lambda s: s["start"])
    by_offsets = {(s["start"], s["end"]): s for s in spans}
    rels = []
    for head, child in relations:
        rels.append(make_relation(by_offsets[head], by_offsets[child]))
    rels.sort(key=lambda r: (r["child_span"]["start"], r["head_span"]["start"]))
    return {
        "text": text,
        "meta": dict(meta or {}),
        "tokens": char_tokens(text),
        "spans": spans,
        "relations": rels,
        "answer": answer,
    }


def text_hash(text: str) -> str:
    return hashlib.sha1(text.strip().encode("utf8")).hexdigest()[:16]


def doc_id(task: dict[str, Any]) -> str:
    """The document a task belongs to: splits and duplicate checks work on documents."""
    meta = task.get("meta") or {}
    return str(meta.get("doc") or meta.get("url") or meta.get("id") or text_hash(task.get("text", "")))


def is_dev_document(doc: str, dev_percent: int) -> bool:
    """A stable split by document id, so a document never straddles train and dev."""
    bucket = int(hashlib.sha1(doc.encode("utf8")).hexdigest(), 16) % 100
    return bucket < dev_percent


def handle_error(error: CorpusError, on_error: ErrorHandler | None) -> None:
    if on_error is None:
        raise error
    on_error(error)


# ---------------------------------------------------------------------------
# Doc conversion


def task_to_doc(vocab: Vocab, task: dict[str, Any], tokenizer: Any = None) -> Doc:
    """Make a Doc with the task's spans as entities and its relations as char offsets.

    With `tokenizer` the Doc uses the pipeline's tokens (spans must align with them);
    without, one token per character, like the task's own tokens.
    """
    text = task["text"]
    doc = tokenizer(text) if tokenizer is not None else _char_doc(vocab, text)
    ents = []
    for span in task.get("spans", []):
        ent = doc.char_span(span["start"], span["end"], label=span["label"])
        if ent is None:
            raise ValueError(f"span {span['start']}-{span['end']} does not align with tokens in {text[:40]!r}")
        ents.append(ent)
    doc.ents = ents
    doc._.relations = [
        [r["head_span"]["start"], r["head_span"]["end"], r["child_span"]["start"], r["child_span"]["end"]]
        for r in task.get("relations", [])
    ]
    doc._.task_meta = {"meta": task.get("meta", {}), "answer": task.get("answer", "accept")}
    return doc


def _char_doc(vocab: Vocab, text: str) -> Doc:
    words = list(text)
    return Doc(vocab, words=words, spaces=[False] * len(words))


def doc_to_task(doc: Doc) -> dict[str, Any]:
    """The inverse of task_to_doc: entities and relations back to a canonical task."""
    spans = [make_span(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
    rels = [((hs, he), (cs, ce)) for hs, he, cs, ce in (doc._.relations or [])]
    stored = doc._.task_meta or {}
    return make_task(doc.text, spans, rels, stored.get("meta", {}), stored.get("answer", "accept"))


def doc_tokens(doc: Doc) -> list[dict[str, Any]]:
    """The pipeline's own tokens in Prodigy's shape."""
    return [
        {"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i, "ws": bool(t.whitespace_)} for t in doc
    ]


def set_hashes(task: dict[str, Any]) -> dict[str, Any]:
    """Prodigy's `_input_hash` (the text) and `_task_hash` (text, spans and relations)."""
    task["_input_hash"] = murmurhash.hash(json.dumps({"text": task["text"]}, ensure_ascii=False))
    key = {
        "input": task["_input_hash"],
        "spans": [(s["start"], s["end"], s["label"]) for s in task.get("spans", [])],
        "relations": [(r["head"], r["child"], r["label"]) for r in task.get("relations", [])],
    }
    task["_task_hash"] = murmurhash.hash(json.dumps(key, sort_keys=True))
    return task


def predicted_spans(doc: Doc) -> list[dict[str, Any]]:
    """The pipeline's entities as task spans: offsets, token indices, label, normalised fields."""
    spans = []
    for ent in doc.ents:
        span = {
            "start": ent.start_char,
            "end": ent.end_char,
            "token_start": ent.start,
            "token_end": ent.end - 1,
            "label": ent.label_,
        }
        for field in SPAN_FIELDS:
            value = getattr(ent._, field, None) if Span.has_extension(field) else None
            if value is not None or (field in ("value", "unit") and ent.label_ in VALUE_LABELS):
                span[field] = value
        spans.append(span)
    return spans


def predicted_relations(doc: Doc) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The pipeline's HAS_CHANGE links as (head, child) character offsets, between entities."""
    ents = {(e.start_char, e.end_char) for e in doc.ents}
    return [((hs, he), (cs, ce)) for hs, he, cs, ce in (doc._.relations or []) if (hs, he) in ents and (cs, ce) in ents]


def prediction_task(doc: Doc, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the pipeline found, as a Prodigy task for ner.manual/rel.manual: the pipeline's
    tokens, spans with token indices and normalised fields, HAS_CHANGE relations, hashes."""
    spans = predicted_spans(doc)
    by_offsets = {(s["start"], s["end"]): s for s in spans}
    relations = [make_relation(by_offsets[head], by_offsets[child]) for head, child in predicted_relations(doc)]
    task = {
        "text": doc.text,
        "meta": dict(meta or {}),
        "tokens": doc_tokens(doc),
        "spans": spans,
        "relations": relations,
    }
    return set_hashes(task)
