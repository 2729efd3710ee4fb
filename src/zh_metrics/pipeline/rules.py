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
    DIRECTION_RE,
    NEW_LEVEL_AFTER,
    SENTENCE_PUNCT_IN_ENTITY,
    SHARE_OF_EARLIER_RE,
    rate_context,
)

PERCENT_LIKE = re.compile(r"(?:%|％|百分点)$")


def keeps_shape(text: str, label: str) -> bool:
    """Whether an entity of this text and label can exist under the annotation rules."""
    if SENTENCE_PUNCT_IN_ENTITY.search(text):
        return False
    return label != "CAMPAIGN" or bool(CAMPAIGN_END.search(text))


class EntityShape:
    """Drops predicted entities whose shape the annotation rules exclude."""

    def __call__(self, doc: Doc) -> Doc:
        ents = doc.ents
        kept = [e for e in ents if keeps_shape(e.text, e.label_)]
        if len(kept) != len(ents):
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
        starts = {e.end_char: e.start_char for e in doc.ents if e.label_ in ("RATE", "PERCENT")}
        ents = []
        changed = False
        for ent in doc.ents:
            if ent.label_ in ("RATE", "PERCENT") and PERCENT_LIKE.search(ent.text):
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
    """Drops entities that span sentence punctuation, and unquoted campaigns without a type word."""
    return EntityShape()
