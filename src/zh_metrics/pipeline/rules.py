"""Annotation rules applied to predicted entities, where the rule itself decides: an entity
never spans sentence punctuation, an unquoted campaign name ends with its type word, and a
percentage is a change (RATE) only after a change word (docs/ANNOTATION.md)."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from .tokenizer import doc_text
from .vocabulary import (
    BETWEEN_CHANGE_AND_VALUE,
    CAMPAIGN_END,
    CLOSING_QUOTES,
    DIRECTION_RE,
    LIST_NUMBERING,
    MEASURE_ALTERNATIVES,
    NEW_LEVEL_AFTER,
    OPENING_QUOTES,
    SENTENCE_PUNCT_IN_ENTITY,
    SHARE_OF_EARLIER_RE,
    VALUE_LABELS,
    rate_context,
)

PERCENT_LIKE = re.compile(r"(?:%|％|百分点)$")
# how far a quote may open before a figure, or close after it, for the figure to be inside it
QUOTE_AROUND_FIGURE = 10


def keeps_shape(text: str, label: str) -> bool:
    """Whether an entity of this text and label can exist under the annotation rules."""
    if SENTENCE_PUNCT_IN_ENTITY.search(text):
        return False
    if label in VALUE_LABELS:
        return not LIST_NUMBERING.search(text)
    return label != "CAMPAIGN" or bool(CAMPAIGN_END.search(text))


def in_quoted_name(text: str, start: int, end: int) -> bool:
    """Whether a figure stands inside a quoted name (“松剑6号”, “三清三查”): numbers inside names
    are no figures (docs/ANNOTATION.md)."""
    before = text[max(0, start - QUOTE_AROUND_FIGURE) : start]
    opening = max(before.rfind(quote) for quote in OPENING_QUOTES)
    if opening == -1 or any(quote in before[opening:] for quote in CLOSING_QUOTES):
        return False
    after = text[end : end + QUOTE_AROUND_FIGURE]
    closing = min((i for i in map(after.find, CLOSING_QUOTES) if i != -1), default=-1)
    return closing != -1 and not any(quote in after[:closing] for quote in OPENING_QUOTES)


def with_measure_alternatives(doc: Doc, text: str, ents: list[Span]) -> list[Span]:
    """A count whose measure word gives alternatives in brackets (22万架(艘、辆)次) is one span:
    the pieces the model split off after the number are joined to it."""
    joined: list[Span] = []
    for ent in ents:
        if joined and joined[-1].end_char > ent.start_char:
            continue  # a piece already joined to the count before it
        if ent.label_ == "COUNT":
            bracket = text.find("(", ent.start_char, ent.end_char + 1)
            bracket = bracket if bracket != -1 else text.find("（", ent.start_char, ent.end_char + 1)
            alternatives = MEASURE_ALTERNATIVES.match(text, bracket) if bracket > ent.start_char else None
            if alternatives and alternatives.end() > ent.end_char:
                span = doc.char_span(ent.start_char, alternatives.end(), label="COUNT")
                if span is not None:
                    ent = span
        joined.append(ent)
    return joined


class EntityShape:
    """Drops predicted entities whose shape the annotation rules exclude (a list's numbering taken
    for a figure, a number inside a quoted name), and joins a count to the measure-word
    alternatives the model split off it."""

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        text = doc_text(doc)  # slices of it: Span.text rebuilds the text from the tokens
        joined = with_measure_alternatives(doc, text, ents)
        kept = [
            e
            for e in joined
            if keeps_shape(text[e.start_char : e.end_char], e.label_)
            and not (e.label_ in VALUE_LABELS and in_quoted_name(text, e.start_char, e.end_char))
        ]
        if kept != ents:
            doc.set_ents(kept, default="outside")
        return doc


def is_change(before: str) -> bool:
    """Whether the words before a percentage make it a change (RATE) rather than a level:
    a direction word right before it (上升, 下降, 降幅达…), but not one that names a new
    level (上升至, 降到); or a share of an earlier period's figure (是去年同期的, 超过上年全年总数的)."""
    if SHARE_OF_EARLIER_RE.search(before):
        return True
    match = None
    for match in DIRECTION_RE.finditer(before):  # noqa: B007  (the last change word is wanted)
        pass
    if match is None:
        return False
    tail = before[match.end() :]
    return not tail.startswith(NEW_LEVEL_AFTER) and BETWEEN_CHANGE_AND_VALUE.fullmatch(tail) is not None


class LevelOrChange:
    """Relabels percentages by the annotation rule that separates them: after a change word a
    percentage is a RATE, otherwise a level (PERCENT). Lists (分别为0.38%、0.61%) share the
    words written before their first item."""

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        # every rate or level, so that a list mixing multiples and percentages (分别上升1.2倍、
        # 2.6倍和48.5%) reaches back to the words before its first item
        found = doc.ents  # each access rebuilds the spans
        starts = {e.end_char: e.start_char for e in found if e.label_ in ("RATE", "PERCENT")}
        if not starts:
            return doc
        ents = []
        changed = False
        for ent in found:
            if ent.label_ in ("RATE", "PERCENT") and PERCENT_LIKE.search(text, ent.start_char, ent.end_char):
                label = "RATE" if is_change(rate_context(text, ent.start_char, starts)) else "PERCENT"
                if label != ent.label_:
                    ent = Span(doc, ent.start, ent.end, label=label)
                    changed = True
            ents.append(ent)
        if changed:
            doc.ents = ents
        return doc


@Language.factory("level_or_change", requires=["doc.ents"], assigns=["doc.ents"])
def make_level_or_change(nlp: Language, name: str) -> LevelOrChange:
    """PERCENT or RATE for every percentage, by the words before it (docs/ANNOTATION.md)."""
    return LevelOrChange()


@Language.factory("entity_shape", requires=["doc.ents"], assigns=["doc.ents"])
def make_entity_shape(nlp: Language, name: str) -> EntityShape:
    """Drops entities that span sentence punctuation and unquoted campaigns without a type word;
    joins a count to the measure-word alternatives in brackets after it."""
    return EntityShape()
