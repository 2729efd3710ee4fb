"""The evaluation report: how far to trust the output, measured on gold files in one run.

Every number comes from `measure.scoring`. The report opens with a summary on the real reports
(each figure with its 95% bootstrap interval and the rule baseline beside it), then gives per
label, per domain and per set the scores, and shows the errors as sentences with the gold and
the predicted spans highlighted (displaCy). It is written as Markdown (`report.md`, whose
summary also fills the README) and as one self-contained HTML page (`report.html`, made by
markdown-it-py, figures inline) that fits a 1280-pixel screen.
"""

from __future__ import annotations

import base64
import html
import math
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy import displacy
from spacy.language import Language
from threadpoolctl import threadpool_limits

from ..corpus.tasks import task_to_doc
from ..files import write_atomic
from ..pipeline.link import sentence_bounds
from ..pipeline.vocabulary import LABELS, NAME_LABELS, VALUE_LABELS
from ..progress import progress
from ..records import extract_document
from .baseline import baseline_task
from .evaluate import read_gold
from .scoring import (
    ERROR_KINDS,
    RELATION_F,
    RESAMPLES,
    ROW_FIELDS,
    VALUE_ACCURACY,
    Error,
    Mark,
    Measure,
    ParagraphScore,
    add_rows,
    entity_f,
    entity_total,
    error_counts,
    gold_examples,
    link_gold_entities,
    overlap_f,
    relation_total,
    row_accuracy,
    score_paragraph,
    worst_errors,
)

TEAM_DEV = "team dev split"
REAL = "real reports"
ABOUT = {
    TEAM_DEV: "paragraphs held out from the team's own corpus",
    REAL: "paragraphs of published reports, written by nobody on this team",
}
README_START = "<!-- report:summary -->"
README_END = "<!-- /report:summary -->"
LABEL_COLOURS = {
    "ORG": "#7aecec",
    "CAMPAIGN": "#bfeeb7",
    "MONEY": "#e4e7d2",
    "COUNT": "#feca74",
    "PERCENT": "#c887fb",
    "RATE": "#ff9561",
    "INDICATOR": "#aa9cfc",
    "PERIOD": "#9cc9cc",
}
HEAT_FLOOR = 0.5  # the heat map's colours span F from here to 1, where the domains differ
CONTEXT = 60  # characters shown either side of an error when its sentence is longer
PAGE_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;max-width:1180px;margin:1em auto;padding:0 16px;
 line-height:1.45;color:#222}
table{border-collapse:collapse;margin:.5em 0 1em}
td,th{border:1px solid #ccc;padding:2px 7px;text-align:right;vertical-align:top}
td:first-child,th:first-child{text-align:left}
th{background:#f3f3f3}
img{max-width:100%;height:auto}
code{word-break:break-all;background:#f6f6f6;padding:0 2px}
details{margin:.4em 0}
summary{cursor:pointer;font-weight:bold}
.error{border-left:3px solid #ddd;margin:.6em 0;padding-left:.6em}
.error .note{margin:0;font-size:.9em;color:#555}
.error .who{display:inline-block;width:3.6em;font-size:.8em;color:#777}
.error .entities{display:inline;line-height:2.3;word-break:break-all}
"""


class ReportError(Exception):
    """A problem with an input of the report, in one line naming the file."""


@dataclass
class GoldSet:
    """A gold file as the report names it."""

    name: str
    path: Path
    records: Path | None = None


@dataclass
class SetResult:
    """The scored paragraphs of one gold set: the model end to end, the linker on the gold
    entities, the rule baseline, JioNLP's money extractor (when installed)."""

    gold: GoldSet
    model: list[ParagraphScore]
    linker_on_gold: list[ParagraphScore]
    baseline: list[ParagraphScore]
    jionlp: list[ParagraphScore] | None
    chars_per_second: int | None
    rows_note: str | None = None  # why rows are not scored; None when they are

    @property
    def name(self) -> str:
        return self.gold.name


# ---------------------------------------------------------------------------
# Scoring the sets


def name_sets(data: Sequence[Path], also: Sequence[Path], records: Path | None) -> list[GoldSet]:
    """The first of `data` is the team dev split, the first of `also` the real reports (and
    gets the record gold); any other file is called by its name."""
    sets = [GoldSet(TEAM_DEV if i == 0 else path.stem, path) for i, path in enumerate(data)]
    sets += [GoldSet(REAL if i == 0 else path.stem, path, records if i == 0 else None) for i, path in enumerate(also)]
    return sets


def evaluate_set(nlp: Language, gold: GoldSet, jionlp: Any = None) -> SetResult:
    """The model, the linker on gold entities, the rule baseline (and JioNLP) on one gold set."""
    tasks = read_gold(gold.path)
    texts = [t["text"] for t in tasks]
    with threadpool_limits(limits=1):  # one core, as the benchmark measures
        start = time.perf_counter()
        docs = list(progress(nlp.pipe(texts, batch_size=64), len(texts), f"report {Path(gold.path).name}"))
        seconds = time.perf_counter() - start
    model = [score_paragraph(eg) for eg in gold_examples(docs, tasks)]
    baseline_docs = [task_to_doc(nlp.vocab, baseline_task(text)) for text in texts]
    jionlp_docs = [task_to_doc(nlp.vocab, _jionlp_money_task(jionlp, text)) for text in texts] if jionlp else None
    return SetResult(
        gold,
        model,
        [score_paragraph(eg) for eg in link_gold_entities(nlp, tasks)],
        [score_paragraph(eg) for eg in gold_examples(baseline_docs, tasks)],
        [score_paragraph(eg) for eg in gold_examples(jionlp_docs, tasks)] if jionlp_docs else None,
        round(sum(map(len, texts)) / seconds) if seconds else None,
        _score_rows(model, docs, gold),
    )


def _score_rows(paragraphs: list[ParagraphScore], docs: list[Any], gold: GoldSet) -> str | None:
    """Score the pipeline's rows against record gold through the records scorer of issue 19
    (`zh_metrics.measure.records`); return why they are not scored when they cannot be."""
    if gold.records is None:
        return "no record gold is given for this set"
    if not gold.records.exists():
        return f"there is no record gold here ({gold.records} is absent)"
    try:
        from .records import compare_records, read_record_gold
    except ModuleNotFoundError as err:
        if err.name != f"{__package__}.records":
            raise
        return "the records scorer (`zh_metrics.measure.records`, issue 19) is not installed here"
    joined = read_record_gold(gold.path, gold.records)
    for paragraph, doc, gold_paragraph in zip(paragraphs, docs, joined):
        records = gold_paragraph.records
        add_rows(paragraph, records, compare_records(records, extract_document([doc])))
    return None


def _jionlp_money_task(jionlp: Any, text: str) -> dict[str, Any]:
    spans = []
    for item in jionlp.ner.extract_money(text, with_parsing=False):
        start, end = item["offset"]
        spans.append({"start": start, "end": end, "label": "MONEY"})
    return {"text": text, "spans": spans, "relations": []}


def make_report(
    nlp: Language,
    sets: Sequence[GoldSet],
    curve: list[dict[str, Any]] | None,
    out_dir: Path,
    meta: dict[str, str],
    jionlp: Any = None,
) -> str:
    """Score every set and write report.md, report.html and the figures; return the README's
    "How far to trust it" section."""
    return render([evaluate_set(nlp, gold, jionlp) for gold in sets], curve, out_dir, meta)


def write_readme_summary(readme: Path, summary: str) -> None:
    """Replace what stands between the README's summary markers with `summary`."""
    try:
        text = readme.read_text(encoding="utf8")
    except OSError as err:
        raise ReportError(f"{readme}: {err.strerror or err}") from None
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise ReportError(f"{readme}: no {README_START} … {README_END} markers to write the summary between")
    write_atomic(readme, text[: start + len(README_START)] + "\n" + summary.strip() + "\n" + text[end:])


# ---------------------------------------------------------------------------
# Markdown


def _number(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _interval(measure: Measure, paragraphs: Sequence[ParagraphScore]) -> str:
    bounds = measure.interval(paragraphs)
    return "–" if bounds is None else f"{bounds[0]:.3f}–{bounds[1]:.3f}"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "–" if value is None else str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _summary_set(results: Sequence[SetResult]) -> SetResult:
    """The set the summary speaks for: the real reports when given, else the first."""
    return next((r for r in results if r.name == REAL), results[0])


LABEL_ROWS: list[tuple[str, Sequence[str]]] = [*[(label, (label,)) for label in LABELS], ("all entities", LABELS)]


@dataclass(frozen=True)
class SummaryLine:
    """A line of the summary: what it says in plain words, its measure, what it counts."""

    title: str
    measure: Measure
    counted: str
    of_rows: bool = False  # left out when rows are not scored
    baseline: bool = True  # the rule baseline gives what it measures


SUMMARY = [
    SummaryLine("figures found right (F)", entity_f(VALUE_LABELS), "gold figures"),
    SummaryLine(
        "values right (of the figures found right)", VALUE_ACCURACY, "gold values on found figures", baseline=False
    ),
    SummaryLine("links right (HAS_CHANGE F)", RELATION_F, "gold links"),
    *[
        SummaryLine(f"rows with the right {name}", row_accuracy(name), "gold rows", of_rows=True, baseline=False)
        for name in ROW_FIELDS
    ],
    SummaryLine("names found right (F)", entity_f(NAME_LABELS), "gold names"),
]


def _counted(measure: Measure, paragraphs: Sequence[ParagraphScore], label: str) -> str:
    """How many things a summary figure counts: gold items (tp + fn, or the total)."""
    sums = measure.matrix(paragraphs).sum(axis=0)
    count = int(sums[0] + sums[2]) if len(sums) == 3 else int(sums[1])
    return f"{count:,} {label}"


def summary_markdown(results: Sequence[SetResult], meta: dict[str, str]) -> str:
    """The summary table in plain words, with intervals and the rule baseline, and the per-label
    gap between the sets: the report's opening and the README's "How far to trust it"."""
    main = _summary_set(results)
    rows = []
    for line in SUMMARY:
        if line.of_rows and main.rows_note:
            continue
        rows.append(
            [
                line.title,
                _number(line.measure.value(main.model)),
                _interval(line.measure, main.model),
                _number(line.measure.value(main.baseline)) if line.baseline else "–",
                _interval(line.measure, main.baseline) if line.baseline else "–",
                _counted(line.measure, main.model, line.counted),
            ]
        )
    md = [
        f"On the **{main.name}** ({len(main.model)} paragraphs), measured on {meta['date']}. "
        f"Intervals: 95%, bootstrap over paragraphs ({RESAMPLES:,} resamples).\n",
        _table([f"on the {main.name}", "model", "95% interval", "rule baseline", "95% interval", "counted"], rows),
        "",
        "Found right: the exact text and label. Figures: money, counts, percentages and rates; "
        "names: organisations and campaigns. A link ties a rate to the figure it changes. "
        "The rule baseline (regular expressions, `zh_metrics.measure.baseline`) gives no values and no rows.",
    ]
    if main.rows_note:
        md.append(f"\nRows (indicator, period) are not in this table: {main.rows_note}.")
    md.append("\n" + _weakest(main))
    if len(results) > 1:
        md.append("\n" + _gap_table(results, main))
    return "\n".join(md) + "\n"


def _weakest(result: SetResult) -> str:
    """One sentence naming the weakest labels and domains, so the summary says where to look."""
    labels = sorted(
        ((entity_f([label]).value(result.model), label) for label in LABELS), key=lambda x: (x[0] is None, x[0])
    )
    text = (
        f"Weakest labels on the {result.name} (F): "
        + ", ".join(f"{label} {_number(f)}" for f, label in labels[:2] if f is not None)
        + "."
    )
    domains = _domains(result.model)
    if len(domains) > 1:
        scores = [(entity_f().value(ps), name, len(ps)) for name, ps in domains.items()]
        scored = sorted((f, name, n) for f, name, n in scores if f is not None)
        text += " Weakest domains (all entities, F): " + ", ".join(
            f"{name} {f:.3f} ({n} paragraph{'s' if n > 1 else ''})" for f, name, n in scored[:3]
        )
        text += "."
    return text


def _gap_table(results: Sequence[SetResult], main: SetResult) -> str:
    """Per label, F on every set and the gap between the first set and the summary set."""
    first = results[0]
    header = ["label", *[f"{r.name} F" for r in results], f"gap ({main.name} − {first.name})"]
    rows = []
    for name, measure in [*[(name, entity_f(labels)) for name, labels in LABEL_ROWS], ("HAS_CHANGE", RELATION_F)]:
        a, b = measure.value(first.model), measure.value(main.model)
        gap = None if a is None or b is None else f"{b - a:+.3f}"
        rows.append([name, *[measure.value(r.model) for r in results], gap])
    return f"Per label, the {first.name} against the {main.name}:\n\n" + _table(header, rows)


def _entity_table(result: SetResult) -> str:
    rows = []
    for name, labels in LABEL_ROWS:
        total = entity_total(result.model, labels)
        measure = entity_f(labels)
        rows.append(
            [
                name,
                total.precision if len(total) else None,
                total.recall if len(total) else None,
                measure.value(result.model),
                _interval(measure, result.model),
                overlap_f(labels).value(result.model),
                total.tp + total.fn,
            ]
        )
    return _table(["label", "P", "R", "F", "95% interval", "F overlap", "gold spans"], rows)


def _relation_rows(results: Sequence[SetResult]) -> list[list[Any]]:
    rows = []
    for r in results:
        for how, paragraphs in (
            ("model, end to end", r.model),
            ("model's linker on gold entities", r.linker_on_gold),
            ("rule baseline", r.baseline),
        ):
            total = relation_total(paragraphs)
            rows.append(
                [
                    r.name,
                    how,
                    total.precision if len(total) else None,
                    total.recall if len(total) else None,
                    RELATION_F.value(paragraphs),
                    _interval(RELATION_F, paragraphs),
                    total.tp + total.fn,
                ]
            )
    return rows


def _domains(paragraphs: Sequence[ParagraphScore]) -> dict[str, list[ParagraphScore]]:
    """Paragraphs by `meta.domain`, the largest domains first."""
    grouped: dict[str, list[ParagraphScore]] = {}
    for p in paragraphs:
        grouped.setdefault(str(p.meta.get("domain") or "unknown"), []).append(p)
    return dict(sorted(grouped.items(), key=lambda item: (-len(item[1]), item[0])))


def domain_measures(result: SetResult) -> list[tuple[str, Measure]]:
    """The columns of the per-domain table: entity F per label, HAS_CHANGE F, row accuracy."""
    columns = [(label, entity_f([label])) for label in LABELS] + [("HAS_CHANGE", RELATION_F)]
    if result.rows_note is None:
        columns += [(name, row_accuracy(name)) for name in ROW_FIELDS]
    return columns


def domain_table(result: SetResult) -> tuple[str, list[str], list[str], list[list[float | None]]]:
    """The per-domain table as Markdown, and its numbers for the heat map."""
    columns = domain_measures(result)
    header = ["domain", "paragraphs", *[name for name, _ in columns]]
    rows, names, grid = [], [], []
    for domain, paragraphs in [*_domains(result.model).items(), ("all", result.model)]:
        values = [m.value(paragraphs) for _, m in columns]
        cells = ["–" if v is None else f"{v:.2f} ({m.support(paragraphs)})" for v, (_, m) in zip(values, columns)]
        rows.append([domain, len(paragraphs), *cells])
        names.append(domain)
        grid.append(values)
    return _table(header, rows), names, [name for name, _ in columns], grid


def render(
    results: Sequence[SetResult],
    curve: list[dict[str, Any]] | None,
    out_dir: Path,
    meta: dict[str, str],
) -> str:
    """Write report.md, report.html and the figures; return the README's summary section."""
    out_dir.mkdir(parents=True, exist_ok=True)
    main = _summary_set(results)
    summary = summary_markdown(results, meta)
    sources = sets_markdown(results)
    md = [
        "# zh-metrics evaluation report\n",
        f"Pipeline `{meta['model']}`, measured by `{meta['command']}`. Every number below was measured in this "
        "run; none is written by hand. The gold sets, named once here and then by what they are:\n",
        sources,
        "## How far to trust it\n",
        summary,
    ]

    md.append("## Entities per label\n")
    md.append(
        "Exact: text and label both right (spaCy's scorer). Overlap: the label right and the span "
        "overlapping. The interval is the 95% bootstrap interval of F.\n"
    )
    for r in results:
        md += [f"### {r.name}\n", _entity_table(r), ""]

    md.append("## HAS_CHANGE: links from rates to figures\n")
    md.append(
        _table(
            ["set", "system", "P", "R", "F", "95% interval", "gold links"],
            _relation_rows(results),
        )
    )
    md.append("\n## Normalised values\n")
    md.append(
        _table(
            ["set", "figures found right with a gold value", "value and unit right", "share", "95% interval"],
            [
                [
                    r.name,
                    int(VALUE_ACCURACY.matrix(r.model).sum(axis=0)[1]) if r.model else 0,
                    int(VALUE_ACCURACY.matrix(r.model).sum(axis=0)[0]) if r.model else 0,
                    VALUE_ACCURACY.value(r.model),
                    _interval(VALUE_ACCURACY, r.model),
                ]
                for r in results
            ],
        )
    )
    md.append("\nA set whose gold spans carry no values (the team's corpus) has nothing to compare here.\n")

    domains = _domains(main.model)
    if len(domains) > 1:
        table, names, columns, grid = domain_table(main)
        heat = "domains.png"
        domain_figure(names, columns, grid, out_dir / heat, f"F and accuracy per domain, {main.name}")
        md += [
            f"## Per domain of the {main.name}\n",
            "Entity F per label, HAS_CHANGE F"
            + (", indicator and period accuracy" if main.rows_note is None else "")
            + "; in brackets the paragraphs behind each cell (those with a gold or predicted span of the label, "
            "a link, or a gold row). Few paragraphs, coarse figure.\n",
            table,
            f"\n![heat map per domain]({heat})\n",
        ]

    md.append("## Errors by kind\n")
    md.append(
        "Missed: nothing predicted on a gold span. Spurious: predicted where nothing is. Boundary: the label right, "
        "the extent wrong. Wrong label: a predicted span of another label on the gold one. Wrong link: a rate tied "
        "to other figures than in the gold (filed under the gold figure's label). Wrong indicator or period: the "
        "row of a figure found right names another indicator or period.\n"
    )
    for r in results:
        counts = error_counts(r.model)
        kinds = [k for k in ERROR_KINDS if any(kind == k for _, kind in counts)]
        labels = [label for label in LABELS if any(lab == label for lab, _ in counts)]
        if kinds:
            md += [
                f"### {r.name}\n",
                _table(["label", *kinds], [[lab] + [counts[(lab, k)] for k in kinds] for lab in labels]),
                "",
            ]

    md.append("## Errors shown\n")
    md.append(
        "For each label, up to ten errors of each kind, the longest spans first, each in its sentence: "
        "the gold annotation above, the model's below.\n"
    )
    ordered = [main, *[r for r in results if r is not main]]
    for r in ordered:
        md.append(f"### {r.name}\n")
        counts = error_counts(r.model)
        for label, shown in worst_errors(r.model).items():
            md.append(errors_html(label, shown, counts, open_=r is main))
            md.append("")

    md.append("## Confusion matrices\n")
    for r in results:
        png = f"confusion_{_slug(r.name)}.png"
        confusion_figure(sum((p.confusion for p in r.model), Counter()), out_dir / png, r.name)
        md.append(f"![confusion matrix, {r.name}]({png})\n")
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
    for r in results:
        for system, paragraphs in (("zh-metrics", r.model), ("rules (zh_metrics.measure.baseline)", r.baseline)):
            brows.append(
                [
                    r.name,
                    system,
                    entity_f().value(paragraphs),
                    entity_f(["MONEY"]).value(paragraphs),
                    RELATION_F.value(paragraphs),
                ]
            )
        if r.jionlp is not None:
            brows.append([r.name, "JioNLP extract_money", None, entity_f(["MONEY"]).value(r.jionlp), None])
    md.append(_table(["set", "system", "entities micro F", "MONEY F", "HAS_CHANGE F"], brows))
    if all(r.jionlp is None for r in results):
        md.append("\nJioNLP is not installed here (`pip install jionlp` adds its money extractor to this table).\n")
    md.append("\n## Throughput\n")
    md.append(
        _table(
            ["set", "characters per second (nlp.pipe, one process, one core, first pass)"],
            [[r.name, r.chars_per_second] for r in results],
        )
    )
    md.append(f"\nMeasured on {meta['machine']}.\n")
    text = "\n".join(md) + "\n"
    write_atomic(out_dir / "report.md", text)
    write_atomic(out_dir / "report.html", markdown_to_html(text, out_dir))
    return (
        f"Generated by `{meta['command']}` from the summary of the evaluation report "
        f"`{out_dir / 'report.md'}` (pipeline `{meta['model']}`); not to be edited by hand. The sets:\n\n"
        f"{sources}\n{summary}"
    )


def sets_markdown(results: Sequence[SetResult]) -> str:
    """The one place the gold files are named: a list of the sets, their files and sizes."""
    lines = []
    for r in results:
        gold = r.gold
        about = ABOUT.get(gold.name, "paragraphs")
        records = f"; record gold `{gold.records}`" if gold.records and gold.records.exists() else ""
        lines.append(f"- **{gold.name}**: `{gold.path}`{records}, {len(r.model)} {about}.")
    return "\n".join(lines) + "\n"


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name).strip("_")


# ---------------------------------------------------------------------------
# Errors as highlighted sentences


def errors_html(label: str, kinds: dict[str, list[Error]], counts: Counter, open_: bool = False) -> str:
    """One collapsible block per label: per kind, its errors as highlighted sentences. One
    HTML block without blank lines, so that Markdown passes it through whole."""
    heading = ", ".join(f"{kind} {counts[(label, kind)]}" for kind in kinds)
    parts = [f"<details{' open' if open_ else ''}><summary>{html.escape(label)}: {html.escape(heading)}</summary>"]
    for kind, errors in kinds.items():
        shown = f" ({len(errors)} of {counts[(label, kind)]} shown)" if len(errors) < counts[(label, kind)] else ""
        parts.append(f"<h4>{html.escape(label)}, {html.escape(kind)}{shown}</h4>")
        parts += [error_html(error) for error in errors]
    parts.append("</details>")
    return "\n".join(parts)


def error_html(error: Error) -> str:
    """The error's sentence twice, gold marks above and the model's below (displaCy's entity
    style: the text stays whole, each span coloured by label), under a line saying what differs."""
    shown = error.gold + error.predicted
    start, end = min(m.start for m in shown), max(m.end for m in shown)
    left, right = sentence_bounds(error.text, start, end)
    left, right = max(left, start - CONTEXT), min(right, end + CONTEXT)
    lines = [f"<div class='error'><p class='note'>{html.escape(error.note)}</p>"]
    for who, marks in (("gold", error.gold), ("model", error.predicted)):
        lines.append(f"<div><span class='who'>{who}</span>{highlight(error.text, left, right, marks)}</div>")
    lines.append("</div>")
    return "".join(lines)


def highlight(text: str, left: int, right: int, marks: Sequence[Mark]) -> str:
    """text[left:right] with `marks` highlighted by displaCy (overlapping marks after the
    first are left out: the entity style draws one layer)."""
    ents, end = [], left
    for mark in sorted(marks):
        if mark.start >= end and left <= mark.start and mark.end <= right:
            ents.append({"start": mark.start - left, "end": mark.end - left, "label": mark.label})
            end = mark.end
    prefix = "…" if left > 0 and text[left - 1] not in "。！？；\n" else ""
    suffix = "…" if right < len(text) and text[right : right + 1] not in "。！？；\n" else ""
    markup = displacy.render(
        {"text": text[left:right], "ents": ents},
        style="ent",
        manual=True,
        minify=True,
        options={"colors": LABEL_COLOURS},
    )
    return prefix + re.sub(r"\s*\n\s*", " ", markup) + suffix


# ---------------------------------------------------------------------------
# Figures


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.sans-serif"] = ["Noto Sans CJK SC", "DejaVu Sans"]
    return plt


def confusion_figure(confusion: Counter, path: Path, title: str) -> None:
    plt = _pyplot()
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


def domain_figure(rows: list[str], columns: list[str], grid: list[list[float | None]], path: Path, title: str) -> None:
    """A heat map of the per-domain table: red is weak, green strong, grey nothing to score."""
    import numpy as np

    plt = _pyplot()
    values = np.array([[np.nan if v is None else v for v in row] for row in grid], dtype=float)
    fig, ax = plt.subplots(figsize=(2.6 + 0.85 * len(columns), 1.2 + 0.3 * len(rows)))
    cmap = plt.get_cmap("RdYlGn").with_extremes(bad="#e6e6e6")
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=HEAT_FLOOR, vmax=1, aspect="auto")
    fig.colorbar(image, ax=ax, shrink=0.5, label=f"F or accuracy ({HEAT_FLOOR} and below: darkest red)")
    ax.set_xticks(range(len(columns)), columns, rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            if not np.isnan(v):
                dark = v >= 0.9 or v <= HEAT_FLOOR + 0.1
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color="white" if dark else "black")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def curve_figure(points: list[dict[str, Any]], path: Path) -> None:
    plt = _pyplot()
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


# ---------------------------------------------------------------------------
# HTML


def markdown_to_html(md: str, folder: Path) -> str:
    """The report as one self-contained HTML page: CommonMark and tables by markdown-it-py,
    raw HTML (the highlighted errors) passed through, images read from `folder` and inlined."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True}).enable("table")

    def image(self: Any, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        src = str(token.attrGet("src"))
        data = (folder / src).read_bytes()
        token.attrSet("src", "data:image/png;base64," + base64.b64encode(data).decode("ascii"))
        return self.image(tokens, idx, options, env)

    parser.add_render_rule("image", image)
    body = parser.render(md)
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>zh-metrics evaluation report</title><style>{PAGE_CSS}</style></head>\n<body>\n{body}</body></html>\n"
    )


# ---------------------------------------------------------------------------
# The report command's one call


def write_report(
    nlp: Language,
    gold: Sequence[Path],
    also: Sequence[Path] = (),
    records: Path | None = None,
    out_dir: Path = Path("training/report"),
    curve: Path | None = None,
    readme: Path | None = None,
    meta: dict[str, str] | None = None,
) -> Path:
    """Evaluate the pipeline on each gold file (the first: the team dev split) and on each of
    `also` that exists (the first: the real reports, with `records` as their record gold when
    it exists), then write report.md, report.html and the figures to `out_dir`, with the
    learning curve of `curve` when that file exists, and the summary into `readme` between its
    markers. `meta` says in the report what was run. Returns the path of report.md. A missing
    or broken gold file raises CorpusError, a report that cannot be made ReportError, before
    anything is written."""
    import datetime
    import os
    import platform

    import srsly

    try:
        import jionlp
    except ImportError:
        jionlp = None
    meta = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        **(meta or {}),
    }
    sets = name_sets(gold, [path for path in also if path.exists()], records)
    points = srsly.read_json(curve) if curve is not None and curve.exists() else None
    summary = make_report(nlp, sets, points, out_dir, meta, jionlp)
    if readme is not None:
        write_readme_summary(readme, summary)
    return out_dir / "report.md"
