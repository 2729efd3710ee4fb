"""The indicator of a figure: the shortest phrase naming what it counts (破获电信网络诈骗案件)."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from ..pipeline.vocabulary import AFTER_ENTITY_FRAME, INDICATOR_BREAK, LEADING_FILLERS, TRAILING_FILLERS


def indicator_of(doc: Doc, span: Span, text: str) -> str:
    """The words naming what a figure counts: back from the figure to the clause start or
    the previous entity, without fillers such as 共/累计 or change words (`text`: the doc's)."""
    left = max(
        (m.end() for m in INDICATOR_BREAK.finditer(text, max(0, span.start_char - 40), span.start_char)),
        default=max(0, span.start_char - 40),
    )
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
