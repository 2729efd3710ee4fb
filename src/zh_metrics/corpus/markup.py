"""The team's inline markup: `[text](LABEL)`, `[text](LABEL#id)`, `[text](RATE>id)`,
paragraphs grouped under `## doc ID DOMAIN [title]` lines (docs/markup.md)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..pipeline.vocabulary import LABELS
from .tasks import CorpusError, ErrorHandler, handle_error, make_span, make_task

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
            raise CorpusError(
                path, lineno, "markup", f"stray bracket in {chunk.strip()[:30]!r}: write spans as [text](LABEL)"
            )
        return chunk

    for m in MARKUP_RE.finditer(line):
        chunk = plain(line[pos : m.start()])
        text_parts.append(chunk)
        out_len += len(chunk)
        span_text, label, span_id, ref = m.groups()
        if label not in LABELS:
            raise CorpusError(
                path, lineno, "label", f"unknown label {label!r} on [{span_text}]; use one of {', '.join(LABELS)}"
            )
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
            raise CorpusError(
                path,
                lineno,
                "relations",
                f"[{''.join(text_parts)[child['start'] : child['end']]}] points at #{ref}, which no span defines",
            )
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
                handle_error(error, on_error)
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
        out.append(f"[{text[span['start'] : span['end']]}]({mark})")
        pos = span["end"]
    out.append(text[pos:])
    return "".join(out).replace("\n", "\\n")
