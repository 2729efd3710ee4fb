"""One scoring path for every measurement: `evaluate`, `report`, `curve` and `benchmark`.

Exact precision, recall and F are spaCy's: `get_ner_prf` (`Scorer.score_spans`, the scorer the
NER component trains with) for the entities and the linker's relation scorer for HAS_CHANGE,
so that they are the numbers `spacy train` and `nlp.evaluate` give. Only what spaCy lacks is
computed here: the same exact counts kept per paragraph as spaCy `PRFScore`s, so that any
selection of paragraphs (a domain, a bootstrap resample) can be summed; overlap F; the class of
every error; the accuracy of normalised values and of rows.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from spacy.language import Language
from spacy.scorer import PRFScore, get_ner_prf
from spacy.tokens import Doc
from spacy.training import Example
from spacy.vocab import Vocab

from ..corpus.tasks import task_to_doc
from ..pipeline import normalise  # noqa: F401  (registers Span._.value and Span._.unit)
from ..pipeline.scoring import score_relations
from ..pipeline.vocabulary import LABELS, VALUE_LABELS
from ..progress import progress

ROW_FIELDS = ("indicator", "period")
ERROR_KINDS = ("missed", "spurious", "boundary", "wrong label", "wrong link") + tuple(f"wrong {f}" for f in ROW_FIELDS)
RESAMPLES = 1000


class Mark(NamedTuple):
    """A highlighted stretch of a paragraph: character offsets and what it is."""

    start: int
    end: int
    label: str


@dataclass
class Error:
    """One mistake as it is shown: the paragraph, what the gold marks, what the system marks,
    and one line saying what went wrong."""

    kind: str
    label: str
    text: str
    gold: list[Mark]
    predicted: list[Mark]
    note: str


@dataclass
class ParagraphScore:
    """What one paragraph adds to every measure: counts, not ratios, so that the paragraphs of
    any selection can be summed."""

    text: str
    entities: dict[str, PRFScore]
    # per label: predicted spans touching a gold span of their label, predicted spans,
    # gold spans touched by a predicted span of their label, gold spans
    overlap: dict[str, tuple[int, int, int, int]]
    relations: PRFScore
    # figures found exactly whose gold span carries a value: value and unit right, all
    values: tuple[int, int]
    confusion: Counter[tuple[str, str]]
    errors: list[Error]
    meta: dict[str, Any]
    # per record field: rows right, gold rows (filled from record gold when it is scored)
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Examples


def reference_doc(vocab: Vocab, task: dict[str, Any]) -> Doc:
    """The gold Doc of a task, one token per character, with the gold value and unit on each
    figure that has them (the normaliser's attributes, so both sides compare alike)."""
    doc = task_to_doc(vocab, task)
    gold = {(s["start"], s["end"]): s for s in task.get("spans", [])}
    for ent in doc.ents:
        span = gold[(ent.start_char, ent.end_char)]
        ent._.value, ent._.unit = span.get("value"), span.get("unit")
    return doc


def gold_examples(docs: Iterable[Doc], tasks: Iterable[dict[str, Any]]) -> list[Example]:
    """Each predicted Doc paired with its task as gold."""
    return [Example(doc, reference_doc(doc.vocab, task)) for doc, task in zip(docs, tasks)]


def predict_examples(
    nlp: Language, tasks: Sequence[dict[str, Any]], batch_size: int = 64, desc: str | None = None
) -> list[Example]:
    """The pipeline's output on each task's text, paired with the task as gold (with a
    progress bar named `desc` on a terminal)."""
    docs = nlp.pipe((t["text"] for t in tasks), batch_size=batch_size)
    return gold_examples(progress(docs, len(tasks), desc), tasks)


def link_gold_entities(nlp: Language, tasks: Sequence[dict[str, Any]]) -> list[Example]:
    """The normaliser and linker of `nlp` run on the gold entities: relation quality alone."""
    docs = []
    for task in tasks:
        doc = task_to_doc(nlp.vocab, task)
        doc._.relations = None
        for name in ("figure_normaliser", "change_linker"):
            if name in nlp.pipe_names:
                doc = nlp.get_pipe(name)(doc)
        docs.append(doc)
    return gold_examples(docs, tasks)


def spacy_scores(examples: Sequence[Example]) -> dict[str, Any]:
    """Entity and HAS_CHANGE precision, recall and F as the pipeline's own scorers give them."""
    return {**get_ner_prf(examples), **score_relations(examples)}


# ---------------------------------------------------------------------------
# One paragraph


def marks(doc: Doc) -> list[Mark]:
    return [Mark(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]


def _overlaps(a: Mark, b: Mark) -> bool:
    return a.start < b.end and b.start < a.end


def values_agree(value: float | None, unit: str | None, gold_value: float | None, gold_unit: str | None) -> bool:
    """A normalised value and unit equal to the gold ones (no gold value: none predicted)."""
    if gold_value is None:
        return value is None
    return value is not None and math.isclose(value, gold_value, rel_tol=1e-9, abs_tol=1e-12) and unit == gold_unit


def score_paragraph(example: Example) -> ParagraphScore:
    """Counts and errors of one paragraph. The exact counts compare the same (label, start,
    end) sets as `Scorer.score_spans` (the gold side has one token per character)."""
    gold, pred = marks(example.reference), marks(example.predicted)
    text = example.reference.text
    entities, overlap = {}, {}
    for label in LABELS:
        gold_l, pred_l = [m for m in gold if m.label == label], [m for m in pred if m.label == label]
        entities[label] = PRFScore()
        entities[label].score_set(set(pred_l), set(gold_l))
        overlap[label] = (
            sum(any(_overlaps(p, g) for g in gold_l) for p in pred_l),
            len(pred_l),
            sum(any(_overlaps(g, p) for p in pred_l) for g in gold_l),
            len(gold_l),
        )
    confusion, errors = _span_errors(text, gold, pred)
    gold_links = {tuple(r) for r in example.reference._.relations or []}
    pred_links = {tuple(r) for r in example.predicted._.relations or []}
    relations = PRFScore()
    relations.score_set(pred_links, gold_links)
    errors += _link_errors(text, gold, pred, gold_links, pred_links)
    return ParagraphScore(
        text,
        entities,
        overlap,
        relations,
        _values(example),
        confusion,
        errors,
        dict((example.reference._.task_meta or {}).get("meta") or {}),
    )


def _span_errors(text: str, gold: list[Mark], pred: list[Mark]) -> tuple[Counter[tuple[str, str]], list[Error]]:
    """Each gold span not found exactly is missed (nothing predicted on it), a boundary error
    (the label right, the extent wrong) or a wrong label; each predicted span touching no gold
    span is spurious. The confusion counts (gold label, predicted label or missed/spurious)."""
    confusion: Counter[tuple[str, str]] = Counter()
    errors = []
    exact = set(gold) & set(pred)
    for g in gold:
        if g in exact:
            confusion[(g.label, g.label)] += 1
            continue
        touching = [p for p in pred if _overlaps(g, p)]
        if not touching:
            confusion[(g.label, "missed")] += 1
            errors.append(Error("missed", g.label, text, [g], [], f"gold {g.label} {_quote(text, g)}, nothing found"))
            continue
        p = next((p for p in touching if p.label == g.label), touching[0])
        confusion[(g.label, p.label)] += 1
        kind = "boundary" if p.label == g.label else "wrong label"
        note = f"gold {g.label} {_quote(text, g)}, model " + ", ".join(f"{t.label} {_quote(text, t)}" for t in touching)
        errors.append(Error(kind, g.label, text, [g], touching, note))
    for p in pred:
        if not any(_overlaps(p, g) for g in gold):
            confusion[("spurious", p.label)] += 1
            errors.append(Error("spurious", p.label, text, [], [p], f"model {p.label} {_quote(text, p)}, no gold span"))
    return confusion, errors


def _link_errors(
    text: str, gold: list[Mark], pred: list[Mark], gold_links: set[tuple], pred_links: set[tuple]
) -> list[Error]:
    """One error per rate whose figures differ between gold and prediction, filed under the
    label of the figure the gold links it to (else the predicted one)."""
    gold_at = {(m.start, m.end): m for m in gold}
    pred_at = {(m.start, m.end): m for m in pred}
    errors = []
    for rate in sorted({link[2:] for link in gold_links | pred_links}):
        gold_heads = sorted(link[:2] for link in gold_links if link[2:] == rate)
        pred_heads = sorted(link[:2] for link in pred_links if link[2:] == rate)
        if gold_heads == pred_heads:
            continue
        gold_marks = [gold_at.get(h, Mark(h[0], h[1], "?")) for h in gold_heads]
        pred_marks = [pred_at.get(h, Mark(h[0], h[1], "?")) for h in pred_heads]
        label = (gold_marks or pred_marks)[0].label
        rate_text = text[rate[0] : rate[1]]

        def arrows(heads: list[Mark], rate_text: str = rate_text) -> str:
            return ", ".join(f"{_quote(text, h)} → {rate_text}" for h in heads) or f"no figure → {rate_text}"

        errors.append(
            Error(
                "wrong link",
                label,
                text,
                [*gold_marks, gold_at.get(rate, Mark(rate[0], rate[1], "RATE"))],
                [*pred_marks, pred_at.get(rate, Mark(rate[0], rate[1], "RATE"))],
                f"gold {arrows(gold_marks)}; model {arrows(pred_marks)}",
            )
        )
    return errors


def _values(example: Example) -> tuple[int, int]:
    predicted = {(e.start_char, e.end_char, e.label_): e for e in example.predicted.ents}
    right = total = 0
    for ent in example.reference.ents:
        found = predicted.get((ent.start_char, ent.end_char, ent.label_))
        if ent.label_ not in VALUE_LABELS or ent._.value is None or found is None:
            continue
        total += 1
        right += values_agree(found._.value, found._.unit, ent._.value, ent._.unit)
    return right, total


def _quote(text: str, mark: Mark) -> str:
    return f"“{text[mark.start : mark.end]}”"


def add_rows(paragraph: ParagraphScore, gold_records: list[dict[str, Any]], compared: list[dict[str, Any]]) -> None:
    """Add the records scorer's comparison of one paragraph: `compared` holds, per gold record
    in order, `found` (its figure has a row) and for each field of ROW_FIELDS the (gold,
    predicted) strings. A row is right when its figure is found and the field equals the gold
    one; counts go to `paragraph.rows`, and each found figure whose row has another value
    becomes an error, shown with both phrases."""
    text = paragraph.text
    for name in ROW_FIELDS:
        right = 0
        for record, row in zip(gold_records, compared):
            gold_value, value = row[name]
            if not row["found"] or gold_value == value:
                right += row["found"]
                continue
            figure = Mark(record["start"], record["end"], record.get("label") or "?")
            paragraph.errors.append(
                Error(
                    f"wrong {name}",
                    figure.label,
                    text,
                    [figure, *_phrase_mark(text, gold_value, figure, name)],
                    [figure, *_phrase_mark(text, value, figure, name)],
                    f"{_quote(text, figure)}: gold {name} “{gold_value or '—'}”, model “{value or '—'}”",
                )
            )
        paragraph.rows[name] = (right, len(gold_records))


def _phrase_mark(text: str, phrase: str | None, figure: Mark, name: str) -> list[Mark]:
    """Where a row's phrase stands: its last occurrence before the figure, else its first."""
    if not phrase:
        return []
    start = text.rfind(phrase, 0, figure.start)
    start = start if start >= 0 else text.find(phrase)
    return [Mark(start, start + len(phrase), name.upper())] if start >= 0 else []


# ---------------------------------------------------------------------------
# Measures over a selection of paragraphs


def f_score(sums: np.ndarray) -> np.ndarray:
    """F from summed (tp, fp, fn): 2tp / (2tp + fp + fn), NaN where nothing was counted."""
    tp, fp, fn = sums[..., 0], sums[..., 1], sums[..., 2]
    denominator = 2 * tp + fp + fn
    return np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), np.nan)


def share(sums: np.ndarray) -> np.ndarray:
    """right / total from summed (right, total), NaN where the total is 0."""
    return np.where(sums[..., 1] > 0, sums[..., 0] / np.maximum(sums[..., 1], 1), np.nan)


def overlap_f_score(sums: np.ndarray) -> np.ndarray:
    """F from summed overlap counts (predicted touching, predicted, gold touched, gold)."""
    p = share(sums[..., :2])
    r = share(sums[..., 2:])
    p, r = np.nan_to_num(p), np.nan_to_num(r)
    total = sums[..., 1] + sums[..., 3]
    return np.where(total > 0, np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-300), 0.0), np.nan)


@dataclass(frozen=True)
class Measure:
    """A score computed from counts summed over paragraphs, with its bootstrap interval."""

    counts: Callable[[ParagraphScore], Sequence[int]]
    score: Callable[[np.ndarray], np.ndarray]

    def matrix(self, paragraphs: Sequence[ParagraphScore]) -> np.ndarray:
        return np.array([self.counts(p) for p in paragraphs], dtype=float).reshape(len(paragraphs), -1)

    def value(self, paragraphs: Sequence[ParagraphScore]) -> float | None:
        """The score of all `paragraphs` together; None when they give nothing to count."""
        if not paragraphs:
            return None
        score = float(self.score(self.matrix(paragraphs).sum(axis=0)))
        return None if math.isnan(score) else score

    def interval(
        self, paragraphs: Sequence[ParagraphScore], resamples: int = RESAMPLES, seed: int = 0
    ) -> tuple[float, float] | None:
        """The 95% percentile bootstrap interval: paragraphs drawn with replacement, as many as
        there are, `resamples` times (the same draws for every measure with the same seed)."""
        if not paragraphs:
            return None
        matrix = self.matrix(paragraphs)
        n = len(paragraphs)
        weights = np.random.default_rng(seed).multinomial(n, np.full(n, 1 / n), size=resamples)
        scores = self.score(weights @ matrix)
        scores = scores[~np.isnan(scores)]
        if not scores.size:
            return None
        low, high = np.percentile(scores, [2.5, 97.5])
        return float(low), float(high)

    def support(self, paragraphs: Sequence[ParagraphScore]) -> int:
        """The paragraphs that count for this measure (anything gold or predicted in them)."""
        return int(self.matrix(paragraphs).any(axis=1).sum()) if paragraphs else 0


def entity_total(paragraphs: Iterable[ParagraphScore], labels: Collection[str] = LABELS) -> PRFScore:
    """Exact entity counts of `labels` summed over paragraphs (spaCy's micro average)."""
    return sum((p.entities[label] for p in paragraphs for label in labels), PRFScore())


def relation_total(paragraphs: Iterable[ParagraphScore]) -> PRFScore:
    """HAS_CHANGE counts summed over paragraphs."""
    return sum((p.relations for p in paragraphs), PRFScore())


def entity_f(labels: Collection[str] = LABELS) -> Measure:
    """Exact F of the entities of `labels`, micro-averaged."""

    def counts(p: ParagraphScore) -> tuple[int, int, int]:
        total = entity_total([p], labels)
        return total.tp, total.fp, total.fn

    return Measure(counts, f_score)


def overlap_f(labels: Collection[str] = LABELS) -> Measure:
    """F where a span counts as found when one of its label overlaps it."""
    return Measure(lambda p: tuple(np.sum([p.overlap[label] for label in labels], axis=0)), overlap_f_score)


def row_accuracy(name: str) -> Measure:
    """Share of the gold rows whose `name` (indicator, period) the pipeline gives exactly."""
    return Measure(lambda p: p.rows.get(name, (0, 0)), share)


RELATION_F = Measure(lambda p: (p.relations.tp, p.relations.fp, p.relations.fn), f_score)
VALUE_ACCURACY = Measure(lambda p: p.values, share)


def worst_errors(paragraphs: Iterable[ParagraphScore], per_kind: int = 10) -> dict[str, dict[str, list[Error]]]:
    """Per label and kind (in ERROR_KINDS order), up to `per_kind` errors, longest spans first
    (a long name cut short shows more than a one-character slip)."""
    grouped: dict[str, dict[str, list[Error]]] = {}
    for error in sorted(
        (e for p in paragraphs for e in p.errors),
        key=lambda e: (ERROR_KINDS.index(e.kind), -max((m.end - m.start for m in e.gold + e.predicted), default=0)),
    ):
        kinds = grouped.setdefault(error.label, {})
        if len(kinds.setdefault(error.kind, [])) < per_kind:
            kinds[error.kind].append(error)
    return {label: grouped[label] for label in [*LABELS, *sorted(set(grouped) - set(LABELS))] if label in grouped}


def error_counts(paragraphs: Iterable[ParagraphScore]) -> Counter[tuple[str, str]]:
    """How many errors of each (label, kind)."""
    return Counter((e.label, e.kind) for p in paragraphs for e in p.errors)
