"""The indicator of a figure: the shortest phrase naming what it counts (破获电信网络诈骗案件).

A count followed by its noun is named there (涉及9个省份 → 省份). Otherwise the words before
the figure back to the clause start or the previous figure, less what the rules leave out:
who acts (公安机关共…, 向司法机关…), time words, fillers and scope words, comparison and
change words. A quoted name or a book title is never cut in half.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from ..pipeline.vocabulary import (
    AFTER_ENTITY_FRAME,
    BODY_AFTER_COUNT,
    INDICATOR_BREAK,
    LEADING_FILLERS,
    LIST_GLUE,
    LIST_ITEM_GLUE,
    NAME_LABELS,
    NOT_NOUN_AFTER_FIGURE,
    NOUN_AFTER_END,
    PREPOSITION,
    SCOPE_IN,
    SUBJECT_BEFORE_VERB,
    SUPERVISOR_AFTER,
    TIME_EXPRESSION,
    TOTAL_BEFORE,
    TRAILING_FILLERS,
)

# quotation marks and book-title marks that must open and close inside an indicator
PAIRS = {"“": "”", "《": "》", "「": "」", "『": "』", "‘": "’"}
REACH = 40


def indicator_of(doc: Doc, span: Span, text: str) -> str:
    """The words naming what a figure counts (`text`: the doc's text)."""
    if span.label_ == "COUNT":
        after = _noun_after(doc, span, text)
        if after:
            return after
    return _words_before(doc, span, text)


def _noun_after(doc: Doc, span: Span, text: str) -> str:
    """The noun a count stands before (9个省份, 15部反诈短视频), up to the clause end or the
    next entity; empty where what follows is not a noun."""
    end = _break_after(text, span.end_char)
    following = [e.start_char for e in doc.ents if span.end_char <= e.start_char < end]
    end = min([end, *following])
    phrase = text[span.end_char : end]
    if not phrase or NOT_NOUN_AFTER_FIGURE.match(phrase):
        return ""
    stop = NOUN_AFTER_END.search(phrase, 1)
    phrase = phrase[: stop.start()] if stop else phrase
    # the bodies of those counted act from here on (27个省份公安机关同步开展… → 省份)
    body = BODY_AFTER_COUNT.search(phrase, 1)
    phrase = phrase[: body.start()] if body else phrase
    return _trim(_balanced(phrase))


def _break_after(text: str, pos: int) -> int:
    found = INDICATOR_BREAK.search(text, pos, pos + REACH)
    return found.start() if found else min(len(text), pos + REACH)


def _words_before(doc: Doc, span: Span, text: str) -> str:
    """The words between the clause start (or the previous figure) and the figure. A name at
    their head is who acts and stays out; a name inside them is part of what is counted
    (侦破公安部督办案件)."""
    window = max(0, span.start_char - REACH)
    left = max((m.end() for m in INDICATOR_BREAK.finditer(text, window, span.start_char)), default=window)
    before = [e for e in doc.ents if left < e.end_char <= span.start_char]
    figures = [e.end_char for e in before if e.label_ not in NAME_LABELS]
    if figures:
        left = max(figures)
    left = _balanced_left(text, left)
    for name in (e for e in before if e.label_ in NAME_LABELS and e.start_char >= left):
        # who acts stays out; a body that directs the work counted is part of it (省公安厅督办案件)
        directs = SUPERVISOR_AFTER.match(text[name.end_char : span.start_char])
        lead = _trim(TIME_EXPRESSION.sub("", text[left : name.start_char]))
        if not directs and (not lead or PREPOSITION.fullmatch(lead)):
            left = name.end_char
            left += len(AFTER_ENTITY_FRAME.match(text[left : span.start_char]).group())  # type: ignore[union-attr]
    if figures and left == max(figures):  # 30万元以上的涉黑组织: the figure's own frame
        left += len(AFTER_ENTITY_FRAME.match(text[left : span.start_char]).group())  # type: ignore[union-attr]
    phrase = text[left : span.start_char]
    # what stands before 共 is who acts; a time word or event scope splits off who and when:
    # the words naming the figure are the last part that is more than fillers
    total = [m.end() for m in TOTAL_BEFORE.finditer(phrase) if _outside_quotes(phrase, m.start())]
    if total and _trim(phrase[total[-1] :]):
        phrase = phrase[total[-1] :]
    cuts = [
        m.span() for p in (TIME_EXPRESSION, SCOPE_IN) for m in p.finditer(phrase) if _outside_quotes(phrase, m.start())
    ]
    bounds = [0] + [b for cut in sorted(cuts) for b in cut] + [len(phrase)]
    parts = [phrase[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2)]
    phrase = next((part for part in reversed(parts) if _trim(part)), "")
    return _trim(phrase)


def _trim(phrase: str) -> str:
    """Without leading fillers and subjects and trailing fillers and change words."""
    previous = None
    while previous != phrase:
        previous = phrase
        phrase = LEADING_FILLERS.sub("", phrase.strip())
        subject = SUBJECT_BEFORE_VERB.match(phrase)
        if subject and subject.end() < len(phrase):
            phrase = phrase[subject.end() :]
        phrase = TRAILING_FILLERS.sub("", phrase).strip()
    return phrase


def _outside_quotes(phrase: str, pos: int) -> bool:
    """Whether `pos` is outside every quotation and title mark of `phrase`."""
    depth = 0
    for ch in phrase[:pos]:
        if ch in PAIRS:
            depth += 1
        elif ch in PAIRS.values():
            depth = max(0, depth - 1)
    return depth == 0


def _balanced(phrase: str) -> str:
    """A phrase that opens a quote or title and ends before its close is cut back before the
    opening mark, so that no name is cut in half."""
    for i in range(len(phrase)):
        if phrase[i] in PAIRS and PAIRS[phrase[i]] not in phrase[i:]:
            return phrase[:i]
    return phrase


def _balanced_left(text: str, left: int) -> int:
    """Where the words before a figure start: where a clause break inside a quote or title
    cut them (开展“护苗,护花”主题宣传), the clause start before its opening mark."""
    depth = 0
    for ch in text[left : left + REACH]:
        if ch in PAIRS:
            depth += 1
        elif ch in PAIRS.values():
            if depth == 0:
                opening = max(text.rfind(o, max(0, left - REACH), left) for o, c in PAIRS.items() if c == ch)
                if opening < 0:
                    return left
                window = max(0, opening - REACH)
                return max((m.end() for m in INDICATOR_BREAK.finditer(text, window, opening)), default=window)
            depth -= 1
    return left


def list_indicators(text: str, figures: list[Span], indicators: list[str]) -> list[str]:
    """Figures listed together (同比分别上升12%、15%和21%) take the items of the list their
    first one names, in order (发案数、损失金额和破案数), when the counts agree."""
    out = list(indicators)
    i = 0
    while i < len(figures):
        j = i
        while j + 1 < len(figures) and LIST_GLUE.fullmatch(text[figures[j].end_char : figures[j + 1].start_char]):
            j += 1
        items = [item for item in LIST_ITEM_GLUE.split(indicators[i]) if item]
        if j > i and len(items) == j - i + 1:
            out[i : j + 1] = items
        i = j + 1
    return out
