"""Corpus validation: hard errors that break training, and lint warnings that flag likely
breaks of the annotation rules (docs/ANNOTATION.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..pipeline.link import own_subject
from ..pipeline.vocabulary import (
    CHANGE_VERB_RE,
    CLASS_NOUNS,
    FIGURE_HEAD_LABELS,
    LABELS,
    MEASURE_WORDS,
    NOT_FIGURE_AFTER,
    OUTSIDE_PREFIXES,
    OUTSIDE_SUFFIXES,
    REL_LABEL,
    SCOPE_WORDS,
    SENTENCE_END,
)
from .jsonl import corpus_files, read_tasks
from .tasks import CorpusError, doc_id

PERCENT_AFTER_CHANGE_RE = re.compile(
    rf"(?:{CHANGE_VERB_RE.pattern})(?:了)?([0-9０-９.．]+(?:%|％)|[0-9０-９.．]+个百分点)"
)
NUM = r"(?:[0-9０-９][0-9０-９,，.．]*(?:余|多)?(?:万|亿|千|百)?(?:余|多)?|[二两三四五六七八九十百千万亿零〇]{2,}(?:余|多)?)"
FIGURE_RE = re.compile(rf"(?<![0-9０-９.第])({NUM})({'|'.join(MEASURE_WORDS)})")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.path}:{self.line}: {self.field}: {tag}{self.message}"


def check_task(task: Any, path: str, line: int) -> list[Problem]:
    """Structural errors of one task: anything that would make training wrong or crash."""

    def err(field: str, message: str) -> Problem:
        return Problem(path, line, field, message)

    if not isinstance(task, dict):
        return [err("task", "a task must be a JSON object")]
    text = task.get("text")
    if not isinstance(text, str) or not text.strip():
        return [err("text", "missing or empty text")]
    problems: list[Problem] = []
    tokens = task.get("tokens")
    starts = ends = None
    if tokens is not None:
        if not isinstance(tokens, list) or not all(isinstance(t, dict) and "start" in t and "end" in t for t in tokens):
            problems.append(err("tokens", "tokens must be a list of objects with start and end"))
        else:
            starts = {t["start"]: i for i, t in enumerate(tokens)}
            ends = {t["end"]: i for i, t in enumerate(tokens)}
    spans = task.get("spans", [])
    if not isinstance(spans, list):
        return problems + [err("spans", "spans must be a list")]
    good: list[dict[str, Any]] = []
    for i, span in enumerate(spans):
        where = f"spans[{i}]"
        if not isinstance(span, dict) or not isinstance(span.get("start"), int) or not isinstance(span.get("end"), int):
            problems.append(err(where, "a span needs integer start and end"))
            continue
        start, end, label = span["start"], span["end"], span.get("label")
        if label not in LABELS:
            problems.append(err(f"{where}.label", f"unknown label {label!r}; use one of {', '.join(LABELS)}"))
        if not 0 <= start < end <= len(text):
            problems.append(err(where, f"offsets {start}-{end} outside the text (length {len(text)})"))
            continue
        if text[start:end] != text[start:end].strip():
            problems.append(err(where, f"span [{text[start:end]}] starts or ends with white space"))
        if starts is not None and ends is not None:
            if start not in starts or end not in ends:
                problems.append(err(where, f"offsets {start}-{end} [{text[start:end]}] are not on token boundaries"))
            elif ("token_start" in span and span["token_start"] != starts[start]) or (
                "token_end" in span and span["token_end"] != ends[end]
            ):
                problems.append(err(where, f"token_start/token_end do not match offsets {start}-{end}"))
        good.append(span)
    ordered = sorted(good, key=lambda s: (s["start"], s["end"]))
    for a, b in zip(ordered, ordered[1:]):
        if b["start"] < a["end"]:
            problems.append(
                err("spans", f"[{text[a['start'] : a['end']]}] and [{text[b['start'] : b['end']]}] overlap")
            )
    by_offsets = {(s["start"], s["end"]): s for s in good}
    relations = task.get("relations", [])
    if not isinstance(relations, list):
        return problems + [err("relations", "relations must be a list")]
    children: set[tuple[Any, Any]] = set()
    for i, rel in enumerate(relations):
        where = f"relations[{i}]"
        if not isinstance(rel, dict):
            problems.append(err(where, "a relation must be an object"))
            continue
        if rel.get("label") != REL_LABEL:
            problems.append(err(f"{where}.label", f"unknown relation {rel.get('label')!r}; use {REL_LABEL}"))
        ends_ok = True
        for end_name, allowed in (("head_span", FIGURE_HEAD_LABELS), ("child_span", ("RATE",))):
            ref = rel.get(end_name)
            key = (ref.get("start"), ref.get("end")) if isinstance(ref, dict) else None
            target = by_offsets.get(key) if key else None
            if target is None:
                problems.append(err(f"{where}.{end_name}", "does not match any span of the task"))
                ends_ok = False
            elif target.get("label") not in allowed:
                problems.append(err(f"{where}.{end_name}", f"is {target.get('label')}, must be {' or '.join(allowed)}"))
                ends_ok = False
            elif end_name == "child_span" and key is not None:
                if key in children:
                    problems.append(err(where, f"rate [{text[key[0] : key[1]]}] has more than one figure"))
                children.add(key)
        if ends_ok and tokens is not None:
            for end_name, idx_name in (("head_span", "head"), ("child_span", "child")):
                if idx_name in rel and rel[idx_name] != by_offsets[(rel[end_name]["start"], rel[end_name]["end"])].get(
                    "token_end"
                ):
                    problems.append(err(f"{where}.{idx_name}", "is not the last token of its span"))
    return problems


def lint_task(task: dict[str, Any], path: str, line: int) -> list[Problem]:
    """Likely breaks of the annotation rules; warnings, since each has rare exceptions."""

    def warn(field: str, message: str) -> Problem:
        return Problem(path, line, field, message, "warning")

    text = task["text"]
    spans = sorted(task.get("spans", []), key=lambda s: s["start"])
    problems: list[Problem] = []
    covered = [False] * (len(text) + 1)
    for i, span in enumerate(task.get("spans", [])):
        s_text = text[span["start"] : span["end"]]
        for pos in range(span["start"], span["end"]):
            covered[pos] = True
        if span["label"] in ("COUNT", "MONEY", "RATE", "PERCENT"):
            if s_text.startswith(OUTSIDE_PREFIXES):
                problems.append(warn(f"spans[{i}]", f"[{s_text}] starts with a word that stays outside the span"))
            if s_text.endswith(OUTSIDE_SUFFIXES):
                problems.append(warn(f"spans[{i}]", f"[{s_text}] ends with a word that stays outside the span"))
        if span["label"] == "ORG":
            bare = s_text
            for scope in SCOPE_WORDS:
                if bare.startswith(scope):
                    bare = bare[len(scope) :]
                    break
            if bare in CLASS_NOUNS:
                problems.append(warn(f"spans[{i}]", f"ORG [{s_text}] is a class noun, not a specific organisation"))
    rate_starts = {s["start"] for s in spans if s["label"] == "RATE"}
    for m in PERCENT_AFTER_CHANGE_RE.finditer(text):
        if m.start(1) not in rate_starts:
            problems.append(warn("spans", f"[{m.group(1)}] after {text[m.start() : m.start(1)]} is not labelled RATE"))
    linked = {(r["child_span"]["start"], r["child_span"]["end"]) for r in task.get("relations", [])}
    for span in spans:
        if span["label"] != "RATE" or (span["start"], span["end"]) in linked:
            continue
        clause_start = max((m.end() for m in SENTENCE_END.finditer(text, 0, span["start"])), default=0)
        before = [s for s in spans if clause_start <= s["start"] < span["start"]]
        if (
            before
            and before[-1]["label"] in FIGURE_HEAD_LABELS
            and not own_subject(text[before[-1]["end"] : span["start"]])
        ):
            head = before[-1]
            problems.append(
                warn(
                    "relations",
                    f"RATE [{text[span['start'] : span['end']]}] has no HAS_CHANGE though [{text[head['start'] : head['end']]}] stands before it",
                )
            )
    for m in FIGURE_RE.finditer(text):
        if any(covered[m.start() : m.end()]):
            continue
        if text[m.end() : m.end() + 2].startswith(NOT_FIGURE_AFTER):
            continue
        problems.append(warn("spans", f"[{m.group(0)}] looks like a figure but is not labelled"))
    return problems


def validate_files(paths: Iterable[str | Path], lint: bool = True, markup: bool = False) -> list[Problem]:
    """Check every task of every file, then what only shows across files: repeated texts,
    and documents split between train and dev. `markup` reads every file as markup."""
    problems: list[Problem] = []
    seen_text: dict[str, tuple[str, int]] = {}
    doc_files: dict[str, tuple[str, int, str]] = {}
    for file in corpus_files(paths):
        path = str(file)
        part = _part(path)

        def collect(error: CorpusError) -> None:
            problems.append(Problem(error.path, error.line, error.field, error.message))

        try:
            for line, task in read_tasks(path, on_error=collect, markup=markup):
                found = check_task(task, path, line)
                problems.extend(found)
                if found:
                    continue
                if lint:
                    problems.extend(lint_task(task, path, line))
                key = task["text"].strip()
                if key in seen_text:
                    other_path, other_line = seen_text[key]
                    where = "in train and dev" if _part(other_path) != part else "twice"
                    problems.append(
                        Problem(path, line, "text", f"the same text stands {where} (also {other_path}:{other_line})")
                    )
                else:
                    seen_text[key] = (path, line)
                doc = doc_id(task)
                if doc in doc_files and doc_files[doc][2] != part:
                    other_path, other_line, _ = doc_files[doc]
                    problems.append(
                        Problem(
                            path,
                            line,
                            "meta.doc",
                            f"document {doc!r} is split between train and dev (also {other_path}:{other_line})",
                        )
                    )
                doc_files.setdefault(doc, (path, line, part))
        except CorpusError as error:
            collect(error)
    return problems


def _part(path: str) -> str:
    return "dev" if "dev" in Path(path).stem else "train"
