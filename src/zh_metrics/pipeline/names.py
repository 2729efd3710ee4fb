"""Where names begin and end: the edges of predicted ORG and CAMPAIGN spans, repaired by the
annotation rules (docs/ANNOTATION.md) where the rule alone decides.

The tagger sees a dozen characters either side of a token, and official names run to twenty
and more, so a predicted name is sometimes cut inside a word (青禾县公|安机关, 开展打击制|售假币
专项行动), carries a word from outside it (据|青禾县禁毒委员会办公室, 来自|松川市公安局), or runs past
where the rules end it (“清溪”专项打击行动 → “清溪”). Each repair moves an edge to where the
rule puts it; a span the rules make no name (松川市各, 我市警方, 专项整治行动) is dropped. No
repair runs into a neighbouring entity.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from .tokenizer import doc_text
from .vocabulary import (
    CAMPAIGN_NAME_BOUNDARY,
    CAMPAIGN_TYPE_WORDS,
    CAMPAIGN_VERBS,
    CLASS_NOUNS,
    CLOSE_BRACKETS,
    CLOSING_QUOTES,
    EACH_BEFORE,
    GENERIC_CAMPAIGN,
    GENERIC_CAMPAIGN_MODIFIER,
    HAN_RE,
    KNOWN_BODIES,
    KNOWN_BODY_NOT_AFTER,
    NAME_FOLLOWER,
    NOT_CAMPAIGN_START,
    OPEN_BRACKETS,
    OPENING_QUOTES,
    ORG_BODY_END,
    ORG_END_NOT_NAME,
    ORG_HEAD_NOUNS,
    ORG_LEAD_NOT_NAME,
    ORG_TAIL,
    PLACE_FRAGMENT,
    PLACE_ONLY,
    QUOTED_NAME_TYPE_WORDS,
    SCOPE_WORDS,
    TIME_EXPRESSION,
)

# how far a cut campaign name may run back to its verb or scope word, and a quoted name on
# to its closing quote
CAMPAIGN_LEAD_REACH = 12
QUOTE_REACH = 30
# the characters of the scope words (我市, 各级, 本县…): a span after one may have left it out
SCOPE_CHARS = frozenset("".join(SCOPE_WORDS)) | {"各", "级"}
# how far into a predicted campaign its verb may stand (中央部署|…专项斗争), and how long the name
# after it must still be
VERB_REACH = 8
MIN_NAME = 4
# how many characters of a class noun may stand inside a name the model cut (青禾县公|安机关)
CUT_NOUN_REACH = 3
# the type words of a campaign beyond those of the table (docs/ANNOTATION.md)
OTHER_TYPE_WORDS = ("行动", "专案", "活动", "工作")


def completed_end(text: str, start: int, end: int, limit: int) -> int:
    """The end of an organisation's name where a class noun, with the scope word it may carry,
    runs across the predicted end (青禾县公|安机关, 松川全|市公安机关): the end of that noun."""
    for k in range(1, min(CUT_NOUN_REACH, end - start - 1) + 1):
        match = ORG_TAIL.match(text, end - k)
        if match and end < match.end() <= limit:
            return match.end()
    return end


def is_class_noun(name: str) -> bool:
    """A class of bodies with at most a scope word before it (我市公安机关, 各级法院): no name."""
    for scope in SCOPE_WORDS:
        if name.startswith(scope):
            name = name[len(scope) :]
            break
    return name.removeprefix("各级") in CLASS_NOUNS


def organisation_edges(text: str, start: int, end: int, low: int, high: int) -> tuple[int, int] | None:
    """Where an ORG the model predicted at `start`…`end` begins and ends, or None where the
    rules make it no name. `low`/`high` bound it by its neighbours."""
    end = completed_end(text, start, end, high)
    if not ORG_BODY_END.search(text[start:end]):
        tail = ORG_TAIL.match(text, end)  # a head noun written right after the cut (禁毒|部门)
        if tail and tail.end() <= high:
            end = tail.end()
    end = _before_open_bracket(text, start, end)
    start = _after_close_bracket(text, start, end)
    lead = ORG_LEAD_NOT_NAME.match(text, start, end)
    if lead:
        start = lead.end()
    time = TIME_EXPRESSION.match(text, start, end)
    if time and time.end() < end:
        start = time.end()
    while end - start > 1 and ORG_END_NOT_NAME.match(text, end - 1):
        end -= 1
    follower = next((k for k in (3, 2, 1) if end - k > start and NAME_FOLLOWER.match(text, end - k)), None)
    if follower is not None and ORG_BODY_END.search(text[start : end - follower]):
        end -= follower  # a word that follows a name (最高检会|同, …办最新|消息)
    name = text[start:end]
    if not ORG_BODY_END.search(name) and name[:-1].endswith(ORG_HEAD_NOUNS) and _is_han(text[end : end + 1]):
        end -= 1  # a head noun and the first character of the next word (松川市公安侦|查)
        name = text[start:end]
    if len(name) < 2 or PLACE_ONLY.fullmatch(name) or is_class_noun(name):
        return None
    if not ORG_BODY_END.search(name) and PLACE_FRAGMENT.fullmatch(name):
        return None
    if EACH_BEFORE.search(text, max(low, start - 2), start):
        return None
    if (
        start > low
        and text[start - 1] in SCOPE_CHARS
        and any(is_class_noun(text[start - k : end]) for k in (1, 2, 3) if start - k >= low)
    ):
        return None  # the model left the scope word out (我市各|级公安机关)
    return start, end


def _before_open_bracket(text: str, start: int, end: int) -> int:
    """The end of a name before a bracket it opens but does not close (松川市证监局(含分局)."""
    for i in range(start + 1, end):
        if text[i] in OPEN_BRACKETS and not any(c in CLOSE_BRACKETS for c in text[i:end]):
            return i
    return end


def _after_close_bracket(text: str, start: int, end: int) -> int:
    """The start of a name after a bracket it closes but did not open (市、区)公安局)."""
    for i in range(end - 1, start - 1, -1):
        if text[i] in CLOSE_BRACKETS and not any(c in OPEN_BRACKETS for c in text[start:i]):
            return i + 1
    return start


def campaign_edges(text: str, start: int, end: int, low: int, high: int) -> tuple[int, int] | None:
    """Where a CAMPAIGN the model predicted begins and ends, or None where the rules make it no
    name: a quoted name ends with its closing quote and the type word that joins it (“清溪”专项
    行动, but “清溪”|专项打击行动); an unquoted name cut inside runs back to its verb, and one
    that took in its verb (and who set it going) starts after it; a conjunction or a closing
    quote before it stays out; a type word with generic modifiers only (专项整治行动) is no name."""
    lead = NOT_CAMPAIGN_START.match(text[start:end])
    if lead:
        start += lead.end()
    if start < end and text[start] in OPENING_QUOTES:
        close = text.find(CLOSING_QUOTES[OPENING_QUOTES.index(text[start])], start + 1, min(high, start + QUOTE_REACH))
        if close != -1:
            named = _quoted_name_end(text, close + 1, high)
            if end <= close or text[named:end].endswith(CAMPAIGN_TYPE_WORDS + OTHER_TYPE_WORDS):
                end = named  # cut before its closing quote, or a type word that stays out (“清溪”|专项打击行动)
    elif start < end and _is_han(text[start]):
        reach = max(low, start - CAMPAIGN_LEAD_REACH)
        lead_text = text[reach:start]
        boundary = max((m.end() for m in CAMPAIGN_NAME_BOUNDARY.finditer(lead_text)), default=None)
        if boundary is not None and boundary < len(lead_text) and all(_is_han(c) for c in lead_text[boundary:]):
            start = reach + boundary
        verb = None
        for verb in CAMPAIGN_VERBS.finditer(text, start, min(end, start + VERB_REACH)):  # noqa: B007
            pass
        if verb is not None and verb.end() > verb.start() and end - verb.end() >= MIN_NAME:
            start = verb.end()  # who set it going and the verb were taken in (中央部署|扫黑除恶专项斗争)
    name = text[start:end]
    if not name or is_generic_campaign(name):
        return None
    return start, end


def _is_han(char: str) -> bool:
    return HAN_RE.fullmatch(char) is not None


def _quoted_name_end(text: str, close: int, high: int) -> int:
    """The end of a quoted name whose closing quote ends at `close`: with the longest type word
    that joins it written right after, where there is one."""
    ends = [close + len(word) for word in QUOTED_NAME_TYPE_WORDS if text.startswith(word, close)]
    return max((end for end in ends if end <= high), default=close)


def is_generic_campaign(name: str) -> bool:
    """A type word with generic modifiers only (专项整治行动, 三大专项行动, 6月集中宣传月): no name."""
    if GENERIC_CAMPAIGN.match(name):
        return True
    if any(quote in name for quote in OPENING_QUOTES):
        return False
    return any(
        name.endswith(word) and GENERIC_CAMPAIGN_MODIFIER.fullmatch(name[: -len(word)])
        for word in CAMPAIGN_TYPE_WORDS + OTHER_TYPE_WORDS
    )


class NameEdges:
    """Moves the edges of predicted ORG and CAMPAIGN spans to where the annotation rules put
    them, and drops the spans the rules make no name."""

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        ents = list(doc.ents)
        kept = []
        changed = False
        for i, ent in enumerate(ents):
            if ent.label_ not in ("ORG", "CAMPAIGN"):
                kept.append(ent)
                continue
            low = kept[-1].end_char if kept else 0
            high = ents[i + 1].start_char if i + 1 < len(ents) else len(text)
            repair = organisation_edges if ent.label_ == "ORG" else campaign_edges
            edges = repair(text, ent.start_char, ent.end_char, low, high)
            if edges is None:
                changed = True
                continue
            if edges != (ent.start_char, ent.end_char):
                span = doc.char_span(*edges, label=ent.label_)
                if span is not None:
                    ent = span
                    changed = True
            kept.append(ent)
        if changed:
            doc.set_ents(kept, default="outside")
        return doc


@Language.factory("name_edges", requires=["doc.ents"], assigns=["doc.ents"])
def make_name_edges(nlp: Language, name: str) -> NameEdges:
    """Repairs where predicted organisation and campaign names begin and end (docs/ANNOTATION.md)."""
    return NameEdges()


class KnownBodies:
    """Marks the central bodies of the party and the state (党中央, 国务院, 人社部…) as ORG where
    the model found no entity: short, well-known names that reports write bare and a tagger
    trained on local reports misses. The longest name wins; one running into a class noun or a
    title (人社部门, 公安部长) is not a body."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        taken = [(e.start_char, e.end_char) for e in doc.ents]
        added = []
        for match in self.pattern.finditer(text):
            if KNOWN_BODY_NOT_AFTER.match(text, match.end()) or any(
                s < match.end() and match.start() < e for s, e in taken
            ):
                continue
            span = doc.char_span(match.start(), match.end(), label="ORG")
            if span is not None:
                added.append(span)
        if added:
            doc.set_ents(sorted([*doc.ents, *added], key=lambda span: span.start), default="outside")
        return doc


@registry.misc("zh_metrics.central_bodies.v1")
def central_bodies() -> tuple[str, ...]:
    """The central bodies of the party and the state, full and short names (the rulebook's
    KNOWN_BODIES); a config may name another list to add a country's or a province's own."""
    return KNOWN_BODIES


@Language.factory(
    "known_bodies",
    requires=["doc.ents"],
    assigns=["doc.ents"],
    default_config={"names": {"@misc": "zh_metrics.central_bodies.v1"}},
)
def make_known_bodies(nlp: Language, name: str, names: tuple[str, ...]) -> KnownBodies:
    """Well-known bodies as ORG where the model found nothing."""
    return KnownBodies(tuple(names))
