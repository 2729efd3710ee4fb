"""The evaluation report: how far to trust the output, measured on gold files in one run.

Scoring works on tasks (gold and predicted, same texts), so the numbers can be checked by
hand on small cases; rendering writes Markdown, HTML and PNG figures.
"""

from __future__ import annotations

import html
import math
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits

from ..corpus.tasks import prediction_task, task_to_doc
from ..files import write_atomic
from ..pipeline.vocabulary import LABELS, VALUE_LABELS

KIND_ORDER = ("label", "boundary+label", "missed", "spurious", "boundary")


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "pred": n_pred, "gold": n_gold}


@dataclass
class SpanError:
    kind: str
    gold: str | None
    predicted: str | None
    text: str
    context: str


@dataclass
class SpanScores:
    exact: dict[str, dict[str, float]]
    overlap: dict[str, dict[str, float]]
    micro_exact: dict[str, float]
    micro_overlap: dict[str, float]
    errors: list[SpanError]
    error_counts: Counter
    confusion: Counter = field(default_factory=Counter)


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def score_spans(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]], labels: Iterable[str] = LABELS) -> SpanScores:
    """Exact and overlapping P/R/F per label; every error classified as a boundary error, a
    label error, both, a missed span or a spurious one."""
    labels = list(labels)
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in ("tp", "pred", "gold", "otp_gold", "otp_pred")}
    errors: list[SpanError] = []
    confusion: Counter = Counter()
    for gold_task, pred_task in pairs:
        text = gold_task["text"]
        gold = [s for s in gold_task.get("spans", []) if s["label"] in labels]
        pred = [s for s in pred_task.get("spans", []) if s["label"] in labels]
        exact = {(s["start"], s["end"], s["label"]) for s in gold} & {(s["start"], s["end"], s["label"]) for s in pred}

        def context(s: dict[str, Any], text: str = text) -> str:
            return (
                text[max(0, s["start"] - 12) : s["start"]]
                + "【"
                + text[s["start"] : s["end"]]
                + "】"
                + text[s["end"] : s["end"] + 8]
            )

        for s in gold:
            counts["gold"][s["label"]] += 1
            if (s["start"], s["end"], s["label"]) in exact:
                counts["tp"][s["label"]] += 1
                confusion[(s["label"], s["label"])] += 1
                continue
            touching = [p for p in pred if _overlaps(s, p)]
            if any(p["label"] == s["label"] for p in touching):
                counts["otp_gold"][s["label"]] += 1
            if not touching:
                kind, other = "missed", None
                confusion[(s["label"], "missed")] += 1
            else:
                p = touching[0]
                same_offsets = (p["start"], p["end"]) == (s["start"], s["end"])
                kind = "label" if same_offsets else ("boundary" if p["label"] == s["label"] else "boundary+label")
                other = f"{p['label']} {text[p['start'] : p['end']]}"
                confusion[(s["label"], p["label"])] += 1
            errors.append(
                SpanError(
                    kind, f"{s['label']} {text[s['start'] : s['end']]}", other, text[s["start"] : s["end"]], context(s)
                )
            )
        for p in pred:
            counts["pred"][p["label"]] += 1
            touching = [g for g in gold if _overlaps(p, g)]
            if (p["start"], p["end"], p["label"]) not in exact and any(g["label"] == p["label"] for g in touching):
                counts["otp_pred"][p["label"]] += 1
            if not touching:
                confusion[("spurious", p["label"])] += 1
                errors.append(
                    SpanError(
                        "spurious",
                        None,
                        f"{p['label']} {text[p['start'] : p['end']]}",
                        text[p["start"] : p["end"]],
                        context(p),
                    )
                )
    exact_scores = {label: _prf(counts["tp"][label], counts["pred"][label], counts["gold"][label]) for label in labels}
    overlap_scores = {}
    for label in labels:
        o = _prf(0, counts["pred"][label], counts["gold"][label])
        p_hits = counts["tp"][label] + counts["otp_pred"][label]
        r_hits = counts["tp"][label] + counts["otp_gold"][label]
        o["p"] = p_hits / o["pred"] if o["pred"] else 0.0
        o["r"] = r_hits / o["gold"] if o["gold"] else 0.0
        o["f"] = 2 * o["p"] * o["r"] / (o["p"] + o["r"]) if o["p"] + o["r"] else 0.0
        overlap_scores[label] = o
    tp, n_pred, n_gold = (sum(counts[k].values()) for k in ("tp", "pred", "gold"))
    micro_exact = _prf(tp, n_pred, n_gold)
    p_hits = tp + sum(counts["otp_pred"].values())
    r_hits = tp + sum(counts["otp_gold"].values())
    mp, mr = (p_hits / n_pred if n_pred else 0.0), (r_hits / n_gold if n_gold else 0.0)
    micro_overlap = {"p": mp, "r": mr, "f": 2 * mp * mr / (mp + mr) if mp + mr else 0.0}
    return SpanScores(
        exact_scores, overlap_scores, micro_exact, micro_overlap, errors, Counter(e.kind for e in errors), confusion
    )


def relation_key(relation: dict[str, Any]) -> tuple[int, int, int, int]:
    """A relation by the offsets of its two spans."""
    head, child = relation["head_span"], relation["child_span"]
    return head["start"], head["end"], child["start"], child["end"]


def score_relations(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, float]:
    """HAS_CHANGE P/R/F, relations matched by the offsets of both ends."""
    tp = n_pred = n_gold = 0
    for gold_task, pred_task in pairs:
        gold = {relation_key(r) for r in gold_task.get("relations", [])}
        pred = {relation_key(r) for r in pred_task.get("relations", [])}
        tp, n_pred, n_gold = tp + len(gold & pred), n_pred + len(pred), n_gold + len(gold)
    return _prf(tp, n_pred, n_gold)


def value_accuracy(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """Share of correctly found figure spans whose predicted value and unit equal the gold
    ones (only spans whose gold annotation carries a value)."""
    total = correct = 0
    for gold_task, pred_task in pairs:
        predicted = {(s["start"], s["end"], s["label"]): s for s in pred_task.get("spans", [])}
        for s in gold_task.get("spans", []):
            if s["label"] not in VALUE_LABELS or s.get("value") is None:
                continue
            p = predicted.get((s["start"], s["end"], s["label"]))
            if p is None:
                continue
            total += 1
            value = p.get("value")
            correct += (
                value is not None
                and math.isclose(value, s["value"], rel_tol=1e-9, abs_tol=1e-12)
                and p.get("unit") == s.get("unit")
            )
    return {"correct": correct, "total": total, "accuracy": correct / total if total else None}


def worst_errors(errors: list[SpanError], n: int = 20) -> dict[str, list[SpanError]]:
    """Up to `n` errors, label confusions first (they put a figure in the wrong column), then
    boundary-and-label, missed, spurious and boundary errors; longer spans first in each kind."""
    ranked = sorted(errors, key=lambda e: (KIND_ORDER.index(e.kind), -len(e.text)))[:n]
    grouped: dict[str, list[SpanError]] = {}
    for error in ranked:
        grouped.setdefault(error.kind, []).append(error)
    return grouped


# ---------------------------------------------------------------------------
# Running the pipeline and the baselines on a gold file


def evaluate_file(nlp, tasks: list[dict[str, Any]], jionlp: Any = None) -> dict[str, Any]:
    """Model (end to end and linker on gold entities), rule baseline and JioNLP money on one gold set."""
    from .baseline import baseline_task

    texts = [t["text"] for t in tasks]
    with threadpool_limits(limits=1):  # one core, as the benchmark measures
        start = time.perf_counter()
        docs = list(nlp.pipe(texts, batch_size=64))
        seconds = time.perf_counter() - start
    predicted = [prediction_task(doc) for doc in docs]
    pairs = list(zip(tasks, predicted))
    result: dict[str, Any] = {
        "n": len(tasks),
        "spans": score_spans(pairs),
        "relations": score_relations(pairs),
        "relations_gold_entities": score_relations(zip(tasks, _link_gold_entities(nlp, tasks))),
        "values": value_accuracy(pairs),
        "chars_per_second": round(sum(map(len, texts)) / seconds) if seconds else None,
    }
    rule_pairs = [(t, baseline_task(t["text"])) for t in tasks]
    result["baseline_spans"] = score_spans(rule_pairs)
    result["baseline_relations"] = score_relations(rule_pairs)
    if jionlp is not None:
        result["jionlp_money"] = score_spans(((t, _jionlp_money_task(jionlp, t["text"])) for t in tasks), ["MONEY"])
    return result


def _link_gold_entities(nlp, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The normaliser and linker run on the gold entities: relation quality on its own."""
    out = []
    for task in tasks:
        doc = task_to_doc(nlp.vocab, task)
        doc._.relations = None
        for name in ("figure_normaliser", "change_linker"):
            if name in nlp.pipe_names:
                doc = nlp.get_pipe(name)(doc)
        out.append(prediction_task(doc))
    return out


def _jionlp_money_task(jionlp: Any, text: str) -> dict[str, Any]:
    spans = []
    for item in jionlp.ner.extract_money(text, with_parsing=False):
        start, end = item["offset"]
        spans.append({"start": start, "end": end, "label": "MONEY"})
    return {"text": text, "spans": spans, "relations": []}


# ---------------------------------------------------------------------------
# Rendering


def _table(header: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.3f}"
        return "–" if v is None else str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def confusion_figure(confusion: Counter, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = list(LABELS) + ["spurious"]
    cols = list(LABELS) + ["missed"]
    grid = [[confusion.get((r, c), 0) for c in cols] for r in rows]
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    ax.imshow([[math.log1p(v) for v in row] for row in grid], cmap="Blues")
    ax.set_xticks(range(len(cols)), cols, rotation=45, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            if v:
                ax.text(j, i, str(v), ha="center", va="center", fontsize=8)
    ax.set_title(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def curve_figure(points: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    xs = [p["fraction"] * 100 for p in points]
    ax.plot(xs, [p["ents_f"] for p in points], marker="o", label="entities micro F")
    if all("rel_f" in p for p in points):
        ax.plot(xs, [p["rel_f"] for p in points], marker="s", label="HAS_CHANGE F")
    ax.set_xlabel("% of the training corpus")
    ax.set_ylabel("F")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def render(
    results: dict[str, dict[str, Any]], curve: list[dict[str, Any]] | None, out_dir: Path, meta: dict[str, str]
) -> str:
    """Write report.md, report.html and the figures; return the Markdown."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = list(results)
    md = [
        "# zh-metrics evaluation report\n",
        f"Pipeline `{meta['model']}`; made by `{meta['command']}` on {meta['date']}.",
        "Every number below was measured in this run; none is written by hand.\n",
    ]
    md.append("## Entities: precision, recall, F per label\n")
    header = ["label"] + [f"{n} {m}" for n in names for m in ("P", "R", "F", "F overlap")]
    rows = []
    for label in LABELS:
        row: list[Any] = [label]
        for n in names:
            e, o = results[n]["spans"].exact[label], results[n]["spans"].overlap[label]
            row += [e["p"], e["r"], e["f"], o["f"]]
        rows.append(row)
    micro: list[Any] = ["micro"]
    for n in names:
        s = results[n]["spans"]
        micro += [s.micro_exact["p"], s.micro_exact["r"], s.micro_exact["f"], s.micro_overlap["f"]]
    rows.append(micro)
    md.append(_table(header, rows))
    md.append("\nExact: offsets and label both right. Overlap: the label right and the span overlapping.\n")
    md.append("## Errors by kind\n")
    md.append(
        _table(
            ["kind"] + names, [[k] + [results[n]["spans"].error_counts.get(k, 0) for n in names] for k in KIND_ORDER]
        )
    )
    md.append(
        "\nBoundary: right label, wrong extent. Label: right extent, wrong label. Missed: nothing predicted there. Spurious: predicted where nothing is.\n"
    )
    md.append("## HAS_CHANGE\n")
    md.append(
        _table(
            ["", *[f"{n} {m}" for n in names for m in ("P", "R", "F")]],
            [
                ["end to end (predicted entities)"]
                + [results[n]["relations"][m] for n in names for m in ("p", "r", "f")],
                ["on gold entities"]
                + [results[n]["relations_gold_entities"][m] for n in names for m in ("p", "r", "f")],
            ],
        )
    )
    md.append("\n## Normalised values on correctly found spans\n")
    md.append(
        _table(
            ["gold file", "spans with a gold value", "value and unit right", "accuracy"],
            [
                [n, results[n]["values"]["total"], results[n]["values"]["correct"], results[n]["values"]["accuracy"]]
                for n in names
            ],
        )
    )
    md.append("\nA file whose gold spans carry no values (the team's corpus) has nothing to compare here.\n")
    md.append("## Confusion matrices\n")
    for n in names:
        png = f"confusion_{_slug(n)}.png"
        confusion_figure(results[n]["spans"].confusion, out_dir / png, n)
        md.append(f"![confusion matrix, {n}]({png})\n")
    md.append("## Learning curve\n")
    if curve:
        curve_figure(curve, out_dir / "learning_curve.png")
        md.append(
            _table(
                ["% of corpus", "training tasks", "entities micro F", "HAS_CHANGE F", "scored on"],
                [[int(p["fraction"] * 100), p["tasks"], p["ents_f"], p.get("rel_f"), p["eval"]] for p in curve],
            )
        )
        md.append("\n![learning curve](learning_curve.png)\n")
    else:
        md.append(
            "No learning curve yet: `spacy project run curve` trains on 25, 50, 75 and 100% of the corpus "
            "(several full trainings) and the next report shows it.\n"
        )
    md.append("## Baselines on the same texts\n")
    brows = []
    for n in names:
        r = results[n]
        brows.append(
            [n, "zh-metrics", r["spans"].micro_exact["f"], r["spans"].exact["MONEY"]["f"], r["relations"]["f"]]
        )
        brows.append(
            [
                n,
                "rules (zh_metrics.baseline)",
                r["baseline_spans"].micro_exact["f"],
                r["baseline_spans"].exact["MONEY"]["f"],
                r["baseline_relations"]["f"],
            ]
        )
        if "jionlp_money" in r:
            brows.append([n, "JioNLP extract_money", None, r["jionlp_money"].exact["MONEY"]["f"], None])
    md.append(_table(["gold file", "system", "entities micro F", "MONEY F", "HAS_CHANGE F"], brows))
    if not any("jionlp_money" in r for r in results.values()):
        md.append("\nJioNLP is not installed here (`pip install jionlp` adds its money extractor to this table).\n")
    md.append("\n## Throughput\n")
    md.append(
        _table(
            ["gold file", "characters per second (nlp.pipe, one process, one core, first pass)"],
            [[n, results[n]["chars_per_second"]] for n in names],
        )
    )
    md.append(f"\nMeasured on {meta['machine']}.\n")
    md.append("## The twenty worst errors\n")
    for n in names:
        md.append(f"### {n}\n")
        for kind, errors in worst_errors(results[n]["spans"].errors).items():
            md.append(f"**{kind}**\n")
            for e in errors:
                md.append(f"- gold: {e.gold or '—'}; predicted: {e.predicted or '—'} — …{e.context}…")
            md.append("")
    text = "\n".join(md) + "\n"
    write_atomic(out_dir / "report.md", text)
    write_atomic(out_dir / "report.html", markdown_to_html(text))
    return text


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name).strip("_")


def markdown_to_html(md: str) -> str:
    """Enough Markdown for this report: headings, tables, images, lists, paragraphs."""
    out = [
        "<!doctype html><meta charset='utf-8'><title>zh-metrics evaluation report</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td:first-child{text-align:left}</style>",
    ]
    lines = md.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                if not set(lines[i]) <= set("|-"):
                    rows.append([c.strip() for c in lines[i].strip("|").split("|")])
                i += 1
            out.append(
                "<table>"
                + "".join(
                    "<tr>"
                    + "".join(f"<{'th' if r == 0 else 'td'}>{html.escape(c)}</{'th' if r == 0 else 'td'}>" for c in row)
                    + "</tr>"
                    for r, row in enumerate(rows)
                )
                + "</table>"
            )
            continue
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{html.escape(line.lstrip('#').strip())}</h{level}>")
        elif line.startswith("!["):
            alt, src = line[2:].split("](", 1)
            out.append(f"<p><img src='{html.escape(src.rstrip(')'))}' alt='{html.escape(alt)}'></p>")
        elif line.startswith("- "):
            out.append(f"<li>{html.escape(line[2:])}</li>")
        elif line.strip():
            out.append(f"<p>{html.escape(line)}</p>")
        i += 1
    return "\n".join(out) + "\n"
