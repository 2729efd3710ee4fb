"""The one renderer of a result: the page at `/`, `GET /?text=`, `POST /` and the `render`
command all show an Analysis through `render_result`, and any other module can show a
paragraph with labelled spans through `render_spans` (the evaluation report shows its errors so).

Entities are highlighted by label with inline colours, as displaCy does, so a fragment looks the
same wherever it is put. HAS_CHANGE links carry a number on both ends (→1 on the figure, 1 on
its rate) and light up together on hover. Selecting a record's row marks its figure, change,
indicator, period, organisation and campaign in the text. Both work by CSS alone (`:has()`),
without JavaScript, so a saved page or an attachment behaves like the served page. Nothing is
fetched from the network: no fonts, no scripts, no images.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

from ..pipeline.vocabulary import LABELS, REL_LABEL
from ..records import mention_end
from .analysis import Analysis

Offsets = tuple[int, int]

FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK JP", sans-serif'
)
# displaCy's palette, one colour a label; labels not listed (as a caller's own) are grey
LABEL_COLOURS = {
    "ORG": "#7aecec",
    "CAMPAIGN": "#ffeb80",
    "MONEY": "#e4e7d2",
    "COUNT": "#bfe1d9",
    "PERCENT": "#c887fb",
    "RATE": "#feca74",
}
OTHER_COLOUR = "#dddddd"
LINK_STYLE = "outline:2px solid #cf222e;outline-offset:1px"
# what a selected record marks in the text: its figure and its change by their offsets, the
# string fields by where they occur nearest before the figure; with the CSS class letter of each
RECORD_MARKS = {
    "figure": ("f", "outline:2px solid #cf222e;outline-offset:1px"),
    "change": ("x", "outline:2px dashed #cf222e;outline-offset:1px"),
    "indicator": ("i", "background:#b7f0cf;box-shadow:0 3px 0 #0a7a45"),
    "period": ("p", "background:#e2d9ff;box-shadow:0 3px 0 #6e40c9"),
    "organisation": ("o", "box-shadow:0 3px 0 #1f55c8"),
    "campaign": ("c", "box-shadow:0 3px 0 #c2410c"),
}
LOCATED_FIELDS = ("indicator", "period", "organisation", "campaign")
# the table's first columns where records have them; every other field follows, in record order
FIRST_COLUMNS = ("indicator", "text", "value", "unit", "change", "period", "organisation", "campaign")
# the longest link to a result that is offered (servers refuse longer request lines)
MAX_LINK = 8000

PAGE_CSS = f"""
body {{ font-family: {FONT_STACK}; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem; color: #1f2328; }}
h1 {{ font-size: 1.4rem; }} h2 {{ font-size: 1.1rem; margin-top: 1.5rem; }}
form textarea {{ width: 100%; min-height: 9rem; font: inherit; padding: .5rem; box-sizing: border-box; }}
form .row {{ display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; margin: .5rem 0; }}
button {{ font: inherit; padding: .3rem 1.2rem; }}
.zhm-error {{ color: #b42318; background: #fef3f2; padding: .5rem .8rem; border-left: 4px solid #b42318; }}
.zhm-legend {{ display: flex; flex-wrap: wrap; gap: .4rem 1rem; font-size: .85rem; align-items: center; }}
.zhm-legend .zhm-swatch {{ padding: .1em .5em; border-radius: .3em; }}
.zhm-table {{ border-collapse: collapse; font-size: .85rem; margin-top: .8rem; }}
.zhm-table th, .zhm-table td {{ border: 1px solid #d0d7de; padding: .25rem .45rem; text-align: left; vertical-align: top; }}
.zhm-table th {{ background: #f6f8fa; }}
.zhm-table td label {{ display: block; cursor: pointer; }}
.zhm-table .zhm-col-sentence {{ min-width: 16em; }}
.zhm-table .zhm-col-change {{ white-space: nowrap; }}
.zhm-scroll {{ overflow-x: auto; }}
.zhm-table tr:has(input:checked) {{ background: #fff8c5; }}
.zhm-meta {{ color: #59636e; font-size: .85rem; }}
"""


def label_colour(label: str) -> str:
    return LABEL_COLOURS.get(label, OTHER_COLOUR)


def render_spans(
    text: str,
    spans: Iterable[Mapping[str, Any]],
    relations: Iterable[tuple[Offsets, Offsets]] = (),
    marks: Iterable[tuple[int, int, str]] = (),
) -> str:
    """A paragraph as HTML with its labelled spans highlighted: `spans` are mappings with
    `start`, `end`, `label` (character offsets) and optionally `title` (the tooltip; by default
    the span's other fields, such as its normalised value); they must not overlap. `relations`
    are (head, child) offset pairs of spans, numbered on both ends. `marks` are
    (start, end, CSS class) ranges wrapped in their own elements, for a stylesheet to show."""
    ordered = sorted(spans, key=lambda s: (s["start"], s["end"]))
    for before, after in zip(ordered, ordered[1:]):
        if after["start"] < before["end"]:
            raise ValueError(f"spans overlap: {before['start']}-{before['end']} and {after['start']}-{after['end']}")
    for each in ordered:
        if not 0 <= each["start"] < each["end"] <= len(text):
            raise ValueError(f"span {each['start']}-{each['end']} is not inside the text ({len(text)} characters)")
    links: dict[Offsets, list[tuple[int, bool, str]]] = defaultdict(list)
    for number, (head, child) in enumerate(relations, 1):
        tip = f"{REL_LABEL} {number}: {text[head[0] : head[1]]} → {text[child[0] : child[1]]}"
        links[(head[0], head[1])].append((number, True, tip))
        links[(child[0], child[1])].append((number, False, tip))
    opening: dict[int, list[str]] = defaultdict(list)
    closing: dict[int, list[str]] = defaultdict(list)
    for start, end, css in marks:
        if 0 <= start < end <= len(text):
            opening[start].append(css)
            closing[end].append(css)
    cuts = sorted(
        {0, len(text)} | {s["start"] for s in ordered} | {s["end"] for s in ordered} | set(opening) | set(closing)
    )
    active: Counter[str] = Counter()
    pending = iter(ordered)
    span: Mapping[str, Any] | None = next(pending, None)
    out = []
    for left, right in zip(cuts, cuts[1:]):
        active.subtract(closing[left])
        active.update(opening[left])
        active = +active  # only the marks still open
        if span is not None and span["start"] == left:
            out.append(_open_span(span, links.get((span["start"], span["end"]), [])))
        piece = html.escape(text[left:right])
        classes = " ".join(sorted(active))
        out.append(f'<span class="{classes}">{piece}</span>' if classes else piece)
        if span is not None and span["end"] == right:
            out.append(_close_span(span, links.get((span["start"], span["end"]), [])))
            span = next(pending, None)
    numbers = sorted({number for ends in links.values() for number, _, _ in ends})
    hover = "".join(f".zhm-text:has(.zk{n}:hover) .zk{n}{{{LINK_STYLE}}}" for n in numbers)
    style = f"<style>{hover}</style>" if hover else ""
    return (
        f'<div class="zhm-text" lang="zh-CN" style="white-space:pre-wrap;line-height:2.6;font-size:1.05rem;'
        f'font-family:{html.escape(FONT_STACK)}">{"".join(out)}</div>{style}'
    )


def _open_span(span: Mapping[str, Any], links: list[tuple[int, bool, str]]) -> str:
    title = span.get("title")
    if title is None:
        skip = ("start", "end", "label", "token_start", "token_end")
        title = " · ".join(f"{k} {_cell(v)}" for k, v in span.items() if k not in skip and v is not None)
    classes = " ".join(["zhm-ent", f"zhm-{span['label']}"] + [f"zk{n}" for n, _, _ in links])
    return (
        f'<mark class="{html.escape(classes)}" data-label="{html.escape(span["label"])}" title="{html.escape(str(title))}" '
        f'style="background:{label_colour(span["label"])};color:inherit;padding:.15em .35em;margin:0 .15em;'
        f'border-radius:.35em;box-decoration-break:clone;-webkit-box-decoration-break:clone">'
    )


def _close_span(span: Mapping[str, Any], links: list[tuple[int, bool, str]]) -> str:
    badges = "".join(
        f'<span class="zhm-link" title="{html.escape(tip)}" style="font-size:.7em;font-weight:bold;color:#cf222e;'
        f'margin-left:.3em;font-family:sans-serif">{"→" if is_head else ""}{number}</span>'
        for number, is_head, tip in links
    )
    label = (
        '<span class="zhm-label" style="font-size:.62em;font-weight:bold;line-height:1;border-radius:.3em;'
        f'vertical-align:middle;margin-left:.45em;font-family:sans-serif">{html.escape(span["label"])}</span>'
    )
    return f"{label}{badges}</mark>"


def locate(text: str, needle: str, before: int) -> Offsets | None:
    """Where `needle` occurs nearest before offset `before`, else its first occurrence."""
    if not needle:
        return None
    at = text.rfind(needle, 0, before)
    if at < 0:
        at = text.find(needle)
    return None if at < 0 else (at, at + len(needle))


def record_marks(
    text: str, record: Mapping[str, Any], changes: Mapping[Offsets, list[Offsets]]
) -> Iterable[tuple[str, Offsets]]:
    """What a record marks in the text: its figure, the rates linked to it (`changes`: the
    rates of each figure), and where its indicator, period, organisation and campaign (those it
    has) occur: an organisation or campaign at the offset it came from, the others nearest
    before it."""
    figure = (record["start"], record["end"])
    yield "figure", figure
    for rate in changes.get(figure, []):
        yield "change", rate
    for name in LOCATED_FIELDS:
        value = record.get(name)
        where = _named_at(text, value, record.get(f"{name}_start")) or (
            locate(text, value, record["start"]) if isinstance(value, str) else None
        )
        if where is not None:
            yield name, where


def _named_at(text: str, name: Any, start: Any) -> Offsets | None:
    """The mention a record's organisation or campaign came from, by its offset."""
    if not isinstance(name, str) or not isinstance(start, int):
        return None
    end = mention_end(text, start, name)
    return None if end is None else (start, end)


def render_result(analysis: Analysis) -> str:
    """The legend, the text with its entities, links and record marks, the records table
    (click a row to mark its parts) and the records as a CSV download."""
    records = analysis.record_dicts()
    relations = [((r["head"][0], r["head"][1]), (r["child"][0], r["child"][1])) for r in analysis.relations]
    changes: dict[Offsets, list[Offsets]] = defaultdict(list)
    for head, child in relations:
        changes[head].append(child)
    marks = []
    selectors: dict[str, list[str]] = defaultdict(list)
    for i, record in enumerate(records, 1):
        for name, (start, end) in record_marks(analysis.text, record, changes):
            letter = RECORD_MARKS[name][0]
            marks.append((start, end, f"r{i}{letter}"))
            selectors[name].append(f".zhm-result:has(#zp{i}:checked) .r{i}{letter}")
    text = render_spans(analysis.text, analysis.entities, relations, marks)
    selection = "".join(f"{','.join(sel)}{{{RECORD_MARKS[name][1]}}}" for name, sel in selectors.items())
    summary = (
        f'<p class="zhm-meta">{len(analysis.entities)} entities, {len(analysis.relations)} {REL_LABEL} links, '
        f"{len(records)} records</p>"
    )
    body = _records_table(records) + _csv_link(analysis) if records else "<p>No figures found.</p>"
    return (
        f'<section class="zhm-result">{_legend(analysis)}{summary}{text}'
        f"<h2>Records</h2>{body}<style>{selection}</style></section>"
    )


def _legend(analysis: Analysis) -> str:
    labels = list(LABELS) + sorted({e["label"] for e in analysis.entities} - set(LABELS))
    items = [
        f'<span class="zhm-swatch" style="background:{label_colour(label)}">{html.escape(label)}</span>'
        for label in labels
    ]
    items.append(f'<span><b style="color:#cf222e">→1</b> … <b style="color:#cf222e">1</b> {REL_LABEL} (hover)</span>')
    items.append('<span class="zhm-meta">selected row:</span>')
    items += [f'<span style="{style}">{name}</span>' for name, (_, style) in RECORD_MARKS.items()]
    return f'<div class="zhm-legend">{"".join(items)}</div>'


def _records_table(records: list[dict[str, Any]]) -> str:
    present = dict.fromkeys(key for record in records for key in record)
    columns = [c for c in FIRST_COLUMNS if c in present] + [c for c in present if c not in FIRST_COLUMNS]
    head = "<tr><th></th>" + "".join(f"<th>{html.escape(c)}</th>" for c in columns) + "</tr>"
    rows = []
    for i, record in enumerate(records, 1):
        cells = "".join(
            f'<td class="zhm-col-{html.escape(c)}"><label for="zp{i}">{html.escape(_cell(record.get(c)))}</label></td>'
            for c in columns
        )
        pick = f'<td><input type="radio" name="zhm-pick" id="zp{i}" aria-label="record {i}"></td>'
        rows.append(f'<tr class="zhm-record">{pick}{cells}</tr>')
    return f'<div class="zhm-scroll"><table class="zhm-table"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table></div>'


def _cell(value: Any) -> str:
    """A field as table text: nested fields (a change) as their values joined by ·."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return " · ".join(_cell(v) for v in value.values() if v is not None)
    return str(value)


def _csv_link(analysis: Analysis) -> str:
    href = "data:text/csv;charset=utf-8," + quote(analysis.csv(), safe="")
    return f'<p><a class="zhm-csv" download="records.csv" href="{href}">Download the records as CSV</a></p>'


def _html_page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{PAGE_CSS}</style></head><body>{body}</body></html>"
    )


def render_page(analysis: Analysis | None = None, *, text: str = "", date: str = "", error: str | None = None) -> str:
    """The service's page: a text box and a file picker, then the result if there is one.
    A pasted text's result gets a link that opens it again (`/?text=…`)."""
    form = (
        '<form method="post" action="/" enctype="multipart/form-data">'
        f'<textarea name="text" placeholder="粘贴一篇通报、工作报告或新闻稿…">{html.escape(text)}</textarea>'
        '<div class="row"><label>or a file <input type="file" name="file"></label>'
        f'<label>document date <input type="date" name="date" value="{html.escape(date)}"></label>'
        '<button type="submit">Extract</button> <a href="/docs">API</a></div></form>'
    )
    parts = ["<h1>zh-metrics</h1>", form]
    if error:
        parts.append(f'<p class="zhm-error" role="alert">{html.escape(error)}</p>')
    if analysis is not None:
        link = "/?" + urlencode({"text": text, **({"date": date} if date else {})})
        if text and len(link) <= MAX_LINK:
            parts.append(
                f'<p class="zhm-meta"><a class="zhm-permalink" href="{html.escape(link)}">Link to this result</a></p>'
            )
        parts.append(render_result(analysis))
    return _html_page("zh-metrics", "".join(parts))


def render_document(analysis: Analysis, title: str) -> str:
    """One self-contained HTML file of a result, for an e-mail or a review ticket."""
    return _html_page(f"{title} — zh-metrics", f"<h1>{html.escape(title)}</h1>{render_result(analysis)}")
