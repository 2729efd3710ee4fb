"""The corpus format: Prodigy-style JSONL tasks, the team's inline markup, and Doc conversion.

Character offsets are the truth. Tokens in a task are derived from the text, one per
character, so a span boundary is always a token boundary of the task itself.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import murmurhash
import srsly
from srsly import ujson
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

LABELS = ("ORG", "CAMPAIGN", "MONEY", "COUNT", "PERCENT", "RATE")
FIGURE_LABELS = ("COUNT", "MONEY", "PERCENT")
REL_LABEL = "HAS_CHANGE"
SPAN_FIELDS = ("value", "unit", "qualifier", "basis", "value_max", "value_error")

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


ErrorHandler = Callable[[CorpusError], None]

# ---------------------------------------------------------------------------
# Tasks


def char_tokens(text: str) -> list[dict[str, Any]]:
    """One Prodigy token per character: the finest grid, so every offset is a boundary."""
    return [
        {"text": ch, "start": i, "end": i + 1, "id": i, "ws": False}
        for i, ch in enumerate(text)
    ]


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
    relations: Iterable[tuple[int, int]] = (),
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


# ---------------------------------------------------------------------------
# Markup: `[text](LABEL)`, `[text](LABEL#id)`, `[text](RATE>id)`

MARKUP_RE = re.compile(r"\[([^\[\]]+)\]\(([A-Za-z]+)(?:#(\w+))?(?:>(\w+))?\)")
DOC_RE = re.compile(r"^##\s*doc\s+(\S+)\s+(\S+)(?:\s+(.*))?$")


def parse_markup_line(line: str, path: str, lineno: int) -> tuple[str, list[dict[str, Any]], list[tuple]]:
    """Strip the markup from one paragraph; return its text, spans and relation offsets."""
    text_parts: list[str] = []
    spans: list[dict[str, Any]] = []
    ids: dict[str, dict[str, Any]] = {}
    refs: list[tuple[str, dict[str, Any]]] = []
    pos = 0
    out_len = 0

    def plain(chunk: str) -> str:
        chunk = chunk.replace("\\n", "\n")
        if "[" in chunk or "]" in chunk:
            raise CorpusError(path, lineno, "markup", f"stray bracket in {chunk.strip()[:30]!r}: write spans as [text](LABEL)")
        return chunk

    for m in MARKUP_RE.finditer(line):
        chunk = plain(line[pos : m.start()])
        text_parts.append(chunk)
        out_len += len(chunk)
        span_text, label, span_id, ref = m.groups()
        if label not in LABELS:
            raise CorpusError(path, lineno, "label", f"unknown label {label!r} on [{span_text}]; use one of {', '.join(LABELS)}")
        span_text = span_text.replace("\\n", "\n")
        span = make_span(out_len, out_len + len(span_text), label)
        spans.append(span)
        if span_id:
            if span_id in ids:
                raise CorpusError(path, lineno, "markup", f"id #{span_id} used twice")
            ids[span_id] = span
        if ref:
            refs.append((ref, span))
        text_parts.append(span_text)
        out_len += len(span_text)
        pos = m.end()
    text_parts.append(plain(line[pos:]))
    relations = []
    for ref, child in refs:
        if ref not in ids:
            raise CorpusError(path, lineno, "relations", f"[{''.join(text_parts)[child['start']:child['end']]}] points at #{ref}, which no span defines")
        head = ids[ref]
        relations.append(((head["start"], head["end"]), (child["start"], child["end"])))
    return "".join(text_parts), spans, relations


def read_markup(path: str | Path, on_error: ErrorHandler | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, task) for every paragraph of a markup file.

    A broken line raises CorpusError, or goes to `on_error` and reading continues.
    """
    path = str(path)
    doc: str | None = None
    domain = None
    title = None
    n_in_doc = 0
    with open(path, encoding="utf8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip():
                continue
            try:
                if line.startswith("##"):
                    m = DOC_RE.match(line.strip())
                    if not m:
                        raise CorpusError(path, lineno, "doc", "expected `## doc ID DOMAIN [title]`")
                    doc, domain, title = m.group(1), m.group(2), m.group(3)
                    n_in_doc = 0
                    continue
                if line.startswith("#"):
                    continue
                if doc is None:
                    raise CorpusError(path, lineno, "doc", "paragraph before any `## doc ID DOMAIN` line")
                text, spans, relations = parse_markup_line(line.strip(), path, lineno)
            except CorpusError as error:
                _handle(error, on_error)
                continue
            n_in_doc += 1
            meta = {"id": f"{doc}-p{n_in_doc:02d}", "doc": doc, "domain": domain, "source": f"markup:{Path(path).name}"}
            if title:
                meta["title"] = title
            yield lineno, make_task(text, spans, relations, meta)


def to_markup(task: dict[str, Any]) -> str:
    """Render a task back into markup (for review and for helpers reading the corpus)."""
    text = task["text"]
    ids: dict[tuple[int, int], str] = {}
    refs: dict[tuple[int, int], str] = {}
    for rel in task.get("relations", []):
        head = (rel["head_span"]["start"], rel["head_span"]["end"])
        child = (rel["child_span"]["start"], rel["child_span"]["end"])
        ids.setdefault(head, f"f{len(ids) + 1}")
        refs[child] = ids[head]
    out, pos = [], 0
    for span in sorted(task.get("spans", []), key=lambda s: s["start"]):
        key = (span["start"], span["end"])
        out.append(text[pos : span["start"]])
        mark = span["label"] + (f"#{ids[key]}" if key in ids else "") + (f">{refs[key]}" if key in refs else "")
        out.append(f"[{text[span['start']:span['end']]}]({mark})")
        pos = span["end"]
    out.append(text[pos:])
    return "".join(out).replace("\n", "\\n")


# ---------------------------------------------------------------------------
# JSONL


def read_jsonl_lines(path: str | Path, on_error: ErrorHandler | None = None) -> Iterator[tuple[int, Any]]:
    """Yield (line number, parsed object); a broken line raises CorpusError naming it,
    or goes to `on_error` and reading continues."""
    path = str(path)
    try:
        fh = open(path, encoding="utf8")
    except OSError as err:
        raise CorpusError(path, 0, "file", err.strerror or str(err)) from None
    with fh:
        lineno = 0
        try:
            for lineno, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    yield lineno, srsly.json_loads(raw)
                except ValueError as err:
                    _handle(CorpusError(path, lineno, "json", f"invalid JSON ({err})"), on_error)
        except UnicodeDecodeError as err:
            raise CorpusError(path, lineno + 1, "file", f"not UTF-8 text ({err.reason})") from None


def corpus_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, and for a folder its JSONL files (or, with none, its markup)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(path.glob("*.jsonl")) or sorted(path.glob("*.txt")) or sorted(path.glob("src/*.txt")))
        else:
            files.append(path)
    return files


def read_tasks(
    path: str | Path, on_error: ErrorHandler | None = None, markup: bool = False
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Read tasks from markup (a .txt file, or any file with `markup`) or JSONL, with line numbers."""
    if markup or str(path).endswith(".txt"):
        yield from read_markup(path, on_error)
    else:
        yield from read_jsonl_lines(path, on_error)


def _handle(error: CorpusError, on_error: ErrorHandler | None) -> None:
    if on_error is None:
        raise error
    on_error(error)


def write_atomic(path: str | Path, content: bytes | str) -> None:
    """Write a file so that readers see the old or the new version, never a half-written one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_jsonl_atomic(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    """JSONL through srsly's ujson, keeping Chinese readable in files and diffs."""
    lines = [ujson.dumps(r, ensure_ascii=False) for r in records]
    write_atomic(path, "".join(line + "\n" for line in lines))
    return len(lines)


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
        {"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i, "ws": bool(t.whitespace_)}
        for t in doc
    ]


def set_hashes(task: dict[str, Any]) -> dict[str, Any]:
    """Prodigy's `_input_hash` (the text) and `_task_hash` (text, spans and relations)."""
    task["_input_hash"] = murmurhash.hash(json.dumps({"text": task["text"]}, ensure_ascii=False))
    key = {"input": task["_input_hash"], "spans": [(s["start"], s["end"], s["label"]) for s in task.get("spans", [])],
           "relations": [(r["head"], r["child"], r["label"]) for r in task.get("relations", [])]}
    task["_task_hash"] = murmurhash.hash(json.dumps(key, sort_keys=True))
    return task


def prediction_task(doc: Doc, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the pipeline found, as a Prodigy task for ner.manual/rel.manual: the pipeline's
    tokens, spans with token indices and normalised fields, HAS_CHANGE relations, hashes."""
    spans = []
    for ent in doc.ents:
        span = {"start": ent.start_char, "end": ent.end_char, "token_start": ent.start, "token_end": ent.end - 1, "label": ent.label_}
        for field in SPAN_FIELDS:
            value = getattr(ent._, field, None) if Span.has_extension(field) else None
            if value is not None or (field in ("value", "unit") and ent.label_ in FIGURE_LABELS + ("RATE",)):
                span[field] = value
        spans.append(span)
    by_offsets = {(s["start"], s["end"]): s for s in spans}
    relations = [
        make_relation(by_offsets[(hs, he)], by_offsets[(cs, ce)])
        for hs, he, cs, ce in (doc._.relations or [])
        if (hs, he) in by_offsets and (cs, ce) in by_offsets
    ]
    task = {"text": doc.text, "meta": dict(meta or {}), "tokens": doc_tokens(doc), "spans": spans, "relations": relations}
    return set_hashes(task)
