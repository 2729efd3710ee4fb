"""Corpus figures against the targets the corpus must meet, and which traps it covers."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..pipeline.vocabulary import LABELS
from .jsonl import corpus_files, read_tasks
from .tasks import doc_id

TARGETS: dict[str, int] = {
    "paragraphs": 1000,
    "spans": 6000,
    "COUNT": 500,
    "MONEY": 500,
    "RATE": 500,
    "ORG": 500,
    "CAMPAIGN": 250,
    "PERCENT": 250,
    "HAS_CHANGE": 500,
    "HAS_CHANGE from 分别": 50,
    "domains": 12,
    "distinct ORG": 200,
    "distinct CAMPAIGN": 120,
}

# Each trap is a pattern that must occur unlabelled somewhere (a negative example).
TRAPS: dict[str, re.Pattern[str]] = {
    "date": re.compile(r"\d{4}年|\d{1,2}月\d{1,2}日|[一二三四五六七八九十\d]+至\d+月"),
    "duration": re.compile(r"连续\d+个?月|为期[一二三四五六七八九十两\d]+个?[月天年周]|\d+年来|\d+小时|\d+个工作日"),
    "age": re.compile(r"\d+周?岁"),
    "ordinal": re.compile(r"第[一二三四五六七八九十\d]+[批季次届轮]"),
    "hotline/code": re.compile(r"\d{5,}|热线|专线"),
    "一 as a/one": re.compile(r"一[名封本份个次位起]"),
    "class noun (公安机关, 警方…)": re.compile(r"公安机关|警方|检察机关|主管部门|金融机构|互联网企业"),
    "title of a work": re.compile(r"《[^》]+》"),
    "number inside a name": re.compile(r"“[^”]*\d[^”]*”"),
}


def _in_spans(start: int, end: int, spans: list[dict[str, Any]]) -> bool:
    return any(s["start"] < end and start < s["end"] for s in spans)


def corpus_stats(tasks: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Count what the targets ask for, over canonical tasks."""
    labels: Counter[str] = Counter()
    orgs: set[str] = set()
    campaigns: set[str] = set()
    domains: Counter[str] = Counter()
    docs: set[str] = set()
    traps: Counter[str] = Counter()
    n_tasks = n_rel = n_respectively = n_chars = 0
    for task in tasks:
        text = task["text"]
        n_tasks += 1
        n_chars += len(text)
        docs.add(doc_id(task))
        domains[(task.get("meta") or {}).get("domain") or "?"] += 1
        spans = task.get("spans", [])
        for span in spans:
            labels[span["label"]] += 1
            surface = text[span["start"] : span["end"]]
            if span["label"] == "ORG":
                orgs.add(surface)
            elif span["label"] == "CAMPAIGN":
                campaigns.add(surface)
        for rel in task.get("relations", []):
            n_rel += 1
            child = rel["child_span"]["start"]
            if "分别" in text[max(0, child - 12) : child]:
                n_respectively += 1
        for name, pattern in TRAPS.items():
            traps[name] += sum(
                1
                for m in pattern.finditer(text)
                if not _in_spans(m.start(), m.end(), spans) or name == "number inside a name"
            )
    traps["level percentage (PERCENT)"] = labels["PERCENT"]
    return {
        "paragraphs": n_tasks,
        "documents": len(docs),
        "characters": n_chars,
        "spans": sum(labels.values()),
        **{label: labels[label] for label in LABELS},
        "HAS_CHANGE": n_rel,
        "HAS_CHANGE from 分别": n_respectively,
        "domains": len(domains),
        "distinct ORG": len(orgs),
        "distinct CAMPAIGN": len(campaigns),
        "domain counts": dict(domains.most_common()),
        "traps": dict(traps),
    }


def stats_for_paths(paths: Iterable[str | Path]) -> dict[str, dict[str, Any]]:
    """Stats per part: the whole corpus, each file, and augmentation kept apart."""
    files = corpus_files(paths)
    parts: dict[str, list[dict[str, Any]]] = {}
    for path in files:
        tasks = [task for _, task in read_tasks(path)]
        parts[str(path)] = tasks
    authored = [t for p, ts in parts.items() if "augment" not in Path(p).name for t in ts]
    result = {"corpus": corpus_stats(authored)}
    for name, tasks in parts.items():
        result[name] = corpus_stats(tasks)
    return result


def format_stats(stats: dict[str, dict[str, Any]]) -> str:
    lines = []
    total = stats["corpus"]
    lines.append(f"{'figure':<24}{'corpus':>9}{'target':>9}  ok")
    for key in (
        "paragraphs",
        "documents",
        "characters",
        "spans",
        *LABELS,
        "HAS_CHANGE",
        "HAS_CHANGE from 分别",
        "domains",
        "distinct ORG",
        "distinct CAMPAIGN",
    ):
        target = TARGETS.get(key)
        ok = "" if target is None else ("yes" if total[key] >= target else "NO")
        lines.append(f"{key:<24}{total[key]:>9}{'' if target is None else target:>9}  {ok}")
    lines.append("")
    lines.append("negative examples (traps left unlabelled):")
    for name, n in total["traps"].items():
        lines.append(f"  {name:<34}{n:>6}  {'yes' if n else 'NO'}")
    lines.append("")
    lines.append("domains: " + ", ".join(f"{d} {n}" for d, n in total["domain counts"].items()))
    if len(stats) > 2:
        lines.append("")
        lines.append(f"{'file':<40}{'paras':>7}{'docs':>6}{'spans':>7}{'rels':>6}")
        for path, s in stats.items():
            if path != "corpus":
                lines.append(f"{path:<40}{s['paragraphs']:>7}{s['documents']:>6}{s['spans']:>7}{s['HAS_CHANGE']:>6}")
    return "\n".join(lines)


def meets_targets(stats: dict[str, Any]) -> list[str]:
    """The targets the corpus misses (empty when it meets them all)."""
    missing = [f"{k}: {stats[k]} < {v}" for k, v in TARGETS.items() if stats[k] < v]
    missing += [f"no negative example of {name}" for name, n in stats["traps"].items() if not n]
    return missing
