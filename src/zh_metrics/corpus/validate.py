"""Corpus validation: hard errors that break training, and lint warnings that flag likely
breaks of the annotation rules (docs/ANNOTATION.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..pipeline.link import own_subject
from ..pipeline.rules import PERCENT_LIKE, is_change
from ..pipeline.vocabulary import (
    CAMPAIGN_FRAMING_VERBS,
    CAMPAIGN_TYPE_WORDS,
    CHANGE_VERB_RE,
    CLASS_NOUNS,
    CLOSING_QUOTES,
    FIGURE_HEAD_LABELS,
    GENERIC_CAMPAIGN_MODIFIER,
    LABELS,
    MEASURE_WORDS,
    NOT_FIGURE_AFTER,
    ONE_INSTANCE,
    OUTSIDE_PREFIXES,
    OUTSIDE_SUFFIXES,
    QUOTED_NAME_TYPE_WORDS,
    REL_LABEL,
    SCOPE_WORDS,
    SENTENCE_END,
    rate_context,
)
from .jsonl import corpus_files, read_tasks
from .tasks import CorpusError, doc_id

PERCENT_AFTER_CHANGE_RE = re.compile(
    rf"(?:{CHANGE_VERB_RE.pattern})(?:了)?([0-9０-９.．]+(?:%|％)|[0-9０-９.．]+个百分点)"
)
NUM = r"(?:[0-9０-９][0-9０-９,，.．]*(?:余|多)?(?:万|亿|千|百)?(?:余|多)?|[二两三四五六七八九十百千万亿零〇]{2,}(?:余|多)?)"
FIGURE_RE = re.compile(rf"(?<![0-9０-９.第])({NUM})({'|'.join(MEASURE_WORDS)})")
CAMPAIGN_TYPE_RE = re.compile("|".join(sorted(CAMPAIGN_TYPE_WORDS, key=len, reverse=True)))
# where the words describing a campaign begin: after punctuation, quotes and brackets
DESCRIPTION_BREAK = re.compile(r"[,，。；;：:、！!？?“”‘’《》()（）\s]")


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
    # a percentage is a change or a level by the words before it: the rule level_or_change applies
    level_starts = {s["end"]: s["start"] for s in spans if s["label"] in ("RATE", "PERCENT")}
    for span in spans:
        s_text = text[span["start"] : span["end"]]
        if span["label"] in ("RATE", "PERCENT") and PERCENT_LIKE.search(s_text):
            context = rate_context(text, span["start"], level_starts)
            expected = "RATE" if is_change(context) else "PERCENT"
            if expected != span["label"]:
                problems.append(warn("spans", f"[{s_text}] after {context[-12:]} is not labelled {expected}"))
    for m in PERCENT_AFTER_CHANGE_RE.finditer(text):
        if not covered[m.start(1)]:
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
    for message in unlabelled_campaigns(text, spans):
        problems.append(warn("spans", message))
    for m in FIGURE_RE.finditer(text):
        if any(covered[m.start() : m.end()]):
            continue
        if text[m.end() : m.end() + 2].startswith(NOT_FIGURE_AFTER):
            continue
        problems.append(warn("spans", f"[{m.group(0)}] looks like a figure but is not labelled"))
    return problems


def unlabelled_campaigns(text: str, spans: list[dict[str, Any]]) -> list[str]:
    """Campaign type words outside every name span whose description makes them a name
    (开展青禾县禁毒专项行动): the description runs back to punctuation, another span or a word
    that takes the campaign as its object (开展, 部署, 在…). No name is made by a generic or
    back-referring modifier (本次专项行动, 各类专项行动, “清源”等专项行动), by one piece of work described
    (一次…集中整治, …领域的专项打击), or by words after a quoted name, which stay out of it by the
    rules ([“清源”]禁毒专项行动); a type word that should have joined the quoted name right before it
    ([“清源”]专项行动) is reported."""
    in_name = [False] * len(text)
    span_ends = set()
    for span in spans:
        span_ends.add(span["end"])
        if span["label"] in ("ORG", "CAMPAIGN"):
            in_name[span["start"] : span["end"]] = [True] * (span["end"] - span["start"])
    found = []
    for m in CAMPAIGN_TYPE_RE.finditer(text):
        if in_name[m.start()] or in_name[m.end() - 1]:
            continue
        start = m.start()
        while start > 0 and not DESCRIPTION_BREAK.match(text[start - 1]) and start not in span_ends:
            start -= 1
        after_quote = start > 0 and text[start - 1] in CLOSING_QUOTES
        description = text[start : m.start()]
        verbs = list(CAMPAIGN_FRAMING_VERBS.finditer(description))
        if verbs:
            description = description[verbs[-1].end() :]
            after_quote = False
        if not description:
            if after_quote and start in span_ends and m.group() in QUOTED_NAME_TYPE_WORDS:
                found.append(f"{m.group()} right after a quoted name joins it")
            continue
        if (
            after_quote
            or description.startswith(("等", *ONE_INSTANCE))
            or "的" in description
            or GENERIC_CAMPAIGN_MODIFIER.fullmatch(description.rsplit("等", 1)[-1])
        ):
            continue
        found.append(f"[{description}{m.group()}] looks like a campaign name but is not labelled")
    return found


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
