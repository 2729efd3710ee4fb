"""Records: one row per figure, with its indicator, change, organisation and campaign.

`extract` turns a processed Doc (or a text) into Metric rows; `load` finds the project's
trained pipeline. Paragraphs of one document share the organisation and campaign in scope.
"""
from __future__ import annotations

import csv
import io
import json
import re
import sys
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from .corpus import FIGURE_LABELS
from .link import sentence_bounds
from .tokenizer import doc_text

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "training" / "model-best"
CLAUSE_BREAK = re.compile(r"[,，;；。:：、（(\n!！?？]")
LEADING_FILLERS = re.compile(r"^(?:其中|同时|此外|另外|全年|今年以来|截至目前|目前|期间|全市|全省|全区|全县|全国|我市|我省|共计|共|累计|合计|总计|并|还|已|均)+")
AFTER_ENTITY_FRAME = re.compile(r"^(?:开展以来|实施以来|启动以来|开展期间|期间|以来|中)")
TRAILING_FILLERS = re.compile(
    r"(?:人民币|分别为|分别是|分别|约为|约|将近|接近|近|逾|超过|超|达到|达|共计|共|累计|合计|为|是|有|同比|环比|较去年同期|较上年|较去年|比上年|比去年"
    r"|上升|下降|增长|减少|提高|降低|增加|回落|了)+$"
)


class ModelNotFound(FileNotFoundError):
    """No trained pipeline where one was expected."""


@dataclass
class Change:
    value: int | float | None
    unit: str | None
    basis: str | None
    text: str


@dataclass
class Metric:
    indicator: str
    label: str
    text: str
    value: int | float | None
    unit: str | None
    qualifier: str | None
    change: Change | None
    organisation: str | None
    campaign: str | None
    sentence: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def load(path: str | Path | None = None) -> Language:
    """The trained pipeline at `path`, by default the project's own `training/model-best`."""
    path = Path(path) if path is not None else DEFAULT_MODEL
    if not (path / "config.cfg").exists():
        raise ModelNotFound(
            f"no trained pipeline at {path}: run `spacy project run all` in the project folder "
            "(or `spacy project run train` after `convert`), or pass the path of a trained pipeline"
        )
    return spacy.load(path)


def indicator_of(doc: Doc, span: Span, text: str) -> str:
    """The words naming what a figure counts: back from the figure to the clause start or
    the previous entity, without fillers such as 共/累计 or change words (`text`: the doc's)."""
    left = max((m.end() for m in CLAUSE_BREAK.finditer(text, max(0, span.start_char - 40), span.start_char)), default=max(0, span.start_char - 40))
    after_entity = False
    i = span.start - 1
    while i >= 0 and doc[i].idx >= left:
        if doc[i].ent_iob_ != "O":  # the last token of the previous entity
            left = doc[i].idx + len(doc[i].text)
            after_entity = True
            break
        i -= 1
    phrase = text[left : span.start_char].strip()
    if after_entity:  # 在“断卡”行动中破获…: the frame around the entity is not the indicator
        phrase = AFTER_ENTITY_FRAME.sub("", phrase)
    phrase = LEADING_FILLERS.sub("", phrase)
    return TRAILING_FILLERS.sub("", phrase).strip()


SOURCE_BEFORE = re.compile(r"(?:来源|来自|稿源|据)\s*[:：]?\s*$")
SOURCE_AFTER = re.compile(r"^\s*(?:讯|电|记者|报道|消息|客户端|网讯|[(（]记者)")


def is_source(ent: Span, text: str) -> bool:
    """A byline or source (来源: XX日报, XX社北京3月1日电): who reports, not who acts."""
    before = text[max(0, ent.start_char - 6) : ent.start_char]
    after = text[ent.end_char : ent.end_char + 12]
    return bool(SOURCE_BEFORE.search(before) or SOURCE_AFTER.match(after) or re.match(r"^\S{0,4}\d{1,2}月\d{1,2}日电", after))


def _in_scope(names: list[tuple[int, int, str]], where: tuple[int, int]) -> str | None:
    """The nearest name before `where` (paragraph, offset), else the document's first."""
    before = [name for p, start, name in names if (p, start) < where]
    if before:
        return before[-1]
    return names[0][2] if names else None


def extract(text_or_doc: str | Doc, nlp: Language | None = None) -> list[Metric]:
    """Metric rows of one text or processed Doc."""
    doc = text_or_doc if isinstance(text_or_doc, Doc) else (nlp or load())(text_or_doc)
    return extract_document([doc])


def extract_document(docs: list[Doc]) -> list[Metric]:
    """Metric rows of a document given as its processed paragraphs, in order. Each figure
    gets the organisation and campaign nearest before it in the document, else the first."""
    texts = [doc_text(doc) for doc in docs]
    orgs = [(i, e.start_char, e.text) for i, doc in enumerate(docs) for e in doc.ents if e.label_ == "ORG" and not is_source(e, texts[i])]
    campaigns = [(i, e.start_char, e.text) for i, doc in enumerate(docs) for e in doc.ents if e.label_ == "CAMPAIGN"]
    metrics = []
    for i, doc in enumerate(docs):
        for ent, rate in _figures_with_changes(doc):
            text = texts[i]
            left, right = sentence_bounds(text, ent.start_char, ent.end_char)
            is_rate = ent.label_ == "RATE"
            metrics.append(Metric(
                indicator=indicator_of(doc, ent, text),
                label=ent.label_,
                text=ent.text,
                value=None if is_rate else ent._.value,
                unit=None if is_rate else ent._.unit,
                qualifier=None if is_rate else ent._.qualifier,
                change=None if rate is None else Change(rate._.value, rate._.unit, rate._.basis, rate.text),
                organisation=_in_scope(orgs, (i, ent.start_char)),
                campaign=_in_scope(campaigns, (i, ent.start_char)),
                sentence=text[left:right].strip(),
                start=ent.start_char,
                end=ent.end_char,
            ))
    _fill_indicators(metrics)
    return metrics


def _figures_with_changes(doc: Doc) -> Iterator[tuple[Span, Span | None]]:
    """Each figure with its linked rate, and each rate that has no figure on its own."""
    by_offsets = {(e.start_char, e.end_char): e for e in doc.ents}
    rate_of: dict[tuple[int, int], Span] = {}
    linked: set[tuple[int, int]] = set()
    for hs, he, cs, ce in doc._.relations or []:
        if (hs, he) in by_offsets and (cs, ce) in by_offsets:
            rate_of.setdefault((hs, he), by_offsets[(cs, ce)])
            linked.add((cs, ce))
    for ent in doc.ents:
        key = (ent.start_char, ent.end_char)
        if ent.label_ in FIGURE_LABELS:
            yield ent, rate_of.get(key)
        elif ent.label_ == "RATE" and key not in linked:
            yield ent, ent


def _fill_indicators(metrics: list[Metric]) -> None:
    """A figure right after another (13批7315人) shares the indicator of the one before."""
    for previous, metric in zip(metrics, metrics[1:]):
        if not metric.indicator and previous.sentence == metric.sentence:
            metric.indicator = previous.indicator


def to_dataframe(metrics: Iterable[Metric]):
    """A pandas DataFrame of the records (change fields flattened); needs pandas installed."""
    try:
        import pandas as pd
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("to_dataframe needs pandas: pip install pandas") from err
    return pd.DataFrame([flatten(m) for m in metrics])


def flatten(metric: Metric) -> dict[str, Any]:
    """One flat row: change fields become change_value, change_unit, change_basis, change_text."""
    row = metric.to_dict()
    change = row.pop("change") or {}
    for field in ("value", "unit", "basis", "text"):
        row[f"change_{field}"] = change.get(field)
    return row


def paragraphs(text: str, max_chars: int = 5_000) -> Iterator[tuple[int, str]]:
    """Non-empty paragraphs with their line numbers; a very long line is cut at sentence ends."""
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        while len(line) > max_chars:
            cut = max((m.end() for m in re.finditer(r"[。！？；]", line[:max_chars])), default=max_chars)
            yield lineno, line[:cut]
            line = line[cut:]
        if line:
            yield lineno, line


CJK_RE = re.compile(r"[\u3400-\u9fff]")


def read_documents(paths: Iterable[str]) -> tuple[list[tuple[str, list[tuple[int, str]]]], list[str]]:
    """Documents as (name, [(line, paragraph)]) from .txt files, folders, JSONL (`text` per
    line) or `-` for standard input, and the problems found, each naming its file and line."""
    documents: list[tuple[str, list[tuple[int, str]]]] = []
    problems: list[str] = []
    for name, data in _sources(paths, problems):
        try:
            text = data.decode("utf8")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            problems.append(f"{name}:{line}: file: not UTF-8 text ({err.reason})")
            continue
        if name.endswith(".jsonl"):
            for line, raw in enumerate(text.splitlines(), 1):
                if not raw.strip():
                    continue
                try:
                    task = json.loads(raw)
                    body = task["text"]
                    if not isinstance(body, str):
                        raise TypeError
                except (ValueError, KeyError, TypeError):
                    problems.append(f"{name}:{line}: text: not a JSON object with a string `text`")
                    continue
                _add_document(f"{name}:{line}", body, line, documents, problems)
        else:
            _add_document(name, text, 1, documents, problems)
    return documents, problems


def _sources(paths: Iterable[str], problems: list[str]) -> Iterator[tuple[str, bytes]]:
    for path in paths:
        if path == "-":
            yield "<stdin>", sys.stdin.buffer.read()
            continue
        p = Path(path)
        files = sorted(p.rglob("*.txt")) if p.is_dir() else [p]
        if p.is_dir() and not files:
            problems.append(f"{path}:0: file: no .txt files in this folder")
        for file in files:
            try:
                yield str(file), file.read_bytes()
            except OSError as err:
                problems.append(f"{file}:0: file: {err.strerror or err}")


def _add_document(name: str, text: str, first_line: int, documents: list, problems: list[str]) -> None:
    paras = [(first_line + line - 1, para) for line, para in paragraphs(text)]
    if not paras:
        return  # empty or white space: no records, no error
    if not any(CJK_RE.search(para) for _, para in paras):
        problems.append(f"{name}:{paras[0][0]}: text: no Chinese characters; this pipeline reads Chinese reports")
        return
    documents.append((name, paras))


COLUMNS = ("document", "indicator", "label", "text", "value", "unit", "qualifier", "change_value", "change_unit",
           "change_basis", "change_text", "organisation", "campaign", "sentence", "start", "end")


def format_records(records: list[tuple[str, Metric]], fmt: str) -> str:
    """JSONL (nested change), CSV (flat columns) or a plain-text table."""
    if fmt == "jsonl":
        return "".join(json.dumps({"document": name, **m.to_dict()}, ensure_ascii=False) + "\n" for name, m in records)
    rows = [{"document": name, **flatten(m)} for name, m in records]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    shown = ("indicator", "text", "value", "unit", "qualifier", "change_value", "change_basis", "organisation", "campaign")
    cells = [[_cell(r[c]) for c in shown] for r in rows]
    widths = [max([_width(c)] + [_width(row[i]) for row in cells]) for i, c in enumerate(shown)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(shown, widths))]
    lines += ["  ".join(_pad(v, w) for v, w in zip(row, widths)) for row in cells]
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:+.4g}" if abs(value) < 100 else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)[:24]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
