"""Whose figure it is and of which campaign, only where the text ties the name to the figure.

An organisation scopes the figures after it when it is the subject of its clause (松川市公安局
今年以来破获…, 记者从松川市公安局获悉); a partner (会同/联合…), a supervisor (按照省公安厅部署),
an object (对某公司罚款) or a byline does not. It runs on through later sentences and
paragraphs until another subject takes over; it never reaches back. A campaign belongs to the
figures of the sentence that sets it going (开展“清链”行动,破获…) or of the event scope that
names it (在“清链”行动中…, “清链”行动开展以来…, which runs on like any period).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span

from ..pipeline.names import is_generic_campaign
from ..pipeline.vocabulary import (
    BODY_OF_CLASS,
    CALENDAR_PERIOD,
    CAMPAIGN_RELEASE_AFTER,
    CAMPAIGN_RESULTS_AFTER,
    CAMPAIGN_TYPE_IN_SCOPE,
    CAMPAIGN_VERBS,
    CAUSE_AFTER,
    CAUSE_LEAD,
    COMPANY_END,
    DATELINE_REST,
    FRAME_CLOSE,
    FRAME_OPEN,
    MEDIA_AFTER,
    MEDIA_BEFORE,
    MEDIA_NAME,
    NAME_LIST_GLUE,
    NOT_CAMPAIGN_START,
    NOT_REPORTING_BODY,
    OPENING_QUOTES,
    ORG_BODY_END,
    ORG_LEVELS,
    OTHER_DATA,
    PART_LEAD,
    PARTY_GROUP,
    PENALTY_WORDS,
    PERSON_TITLE_AFTER,
    PLACE_LEVEL_WORDS,
    PROVINCE,
    PROVINCE_NAME,
    RULE_MAKING_AFTER,
    SCOPE_BACK,
    SCOPE_LEVELS,
    SCOPE_WORDS,
    SENTENCE_END,
    SOURCE_AFTER,
    SOURCE_BEFORE,
    STATISTICS_AFTER,
    STATISTICS_BEFORE,
    SUBJECT_LEAD,
    SUPERVISOR_AFTER,
    TIME_EXPRESSION,
)
from .period import Period, clause_start, sentence_start


@dataclass(frozen=True)
class Name:
    """An organisation or campaign mentioned at `start` of paragraph `paragraph`. `reach` is
    how far it scopes, like a period's: "on" (later sentences and paragraphs), "sentence"
    (据松川市公安局统计,…, 其中,青禾县公安局… and a body making rules speak for their own
    sentence only) or, for a campaign, "release" (the release is about it: 召开“清链”行动新闻
    发布会。…; a calendar period does not end it, another campaign does)."""

    text: str
    paragraph: int
    start: int
    reach: str = "on"

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def is_source(ent: Span, text: str) -> bool:
    """A byline or source (来源: XX日报, XX社北京3月1日电, 据XX报道): who reports the news, not
    whose figures they are. 据市公安局通报 names the body whose figures they are."""
    before = text[max(0, ent.start_char - 6) : ent.start_char]
    after = text[ent.end_char : ent.end_char + 12]
    dateline = TIME_EXPRESSION.match(after.lstrip())
    media = MEDIA_NAME.search(ent.text) and (MEDIA_BEFORE.search(before) or MEDIA_AFTER.match(after))
    return bool(
        SOURCE_BEFORE.search(before)
        or SOURCE_AFTER.match(after)
        or (dateline and SOURCE_AFTER.match(after.lstrip()[dateline.end() :]))
        or _dateline(after)
        or media
    )


def _dateline(after: str) -> bool:
    """XX社北京3月1日电: a place, a date and 电 or 讯 right after the name."""
    cut = after[:12]
    return any(cut.find(mark) > cut.find("日") >= 0 for mark in ("电", "讯", "消息"))


def subject_organisations(doc: Doc, text: str, paragraph: int) -> list[Name]:
    """The organisations that are the subject of their clause, in order: at the clause start,
    after nothing but time words, fillers and a source frame (记者从…获悉), and not directing
    someone else's work (省公安厅部署…)."""
    subjects = []
    sources = [ent.end_char for ent in doc.ents if ent.label_ == "ORG" and is_source(ent, text)]
    for ent in doc.ents:
        name = body_name(ent, text)
        if ent.label_ != "ORG" or name is None or is_source(ent, text) or NOT_REPORTING_BODY.search(ent.text):
            continue
        start = clause_start(text, ent.start_char)
        byline = max((end for end in sources if start < end <= ent.start_char), default=None)
        lead = text[start : ent.start_char] if byline is None else DATELINE_REST.sub("", text[byline : ent.start_char])
        lead = TIME_EXPRESSION.sub("", lead)
        after = text[ent.end_char : ent.end_char + 8]
        framed = FRAME_OPEN.search(text, sentence_start(text, ent.start_char), ent.start_char) and FRAME_CLOSE.match(
            text, ent.end_char
        )
        if SUBJECT_LEAD.match(lead) and not SUPERVISOR_AFTER.match(after) and not framed:
            statistics = STATISTICS_BEFORE.search(lead) and STATISTICS_AFTER.match(after)
            part = PART_LEAD.search(text, sentence_start(text, ent.start_char), ent.start_char)
            rules = RULE_MAKING_AFTER.match(text, ent.end_char)
            reach = "sentence" if statistics or part or rules else "on"
            subjects.append(Name(name, paragraph, ent.start_char, reach))
    return subjects


def body_name(ent: Span, text: str) -> str | None:
    """The name of the body an ORG span stands for, or None for a fragment that names no body
    (the pipeline's `name_edges` repairs where names begin and end; what still ends otherwise,
    松川市扎, is no body), without a party group glued to a person's title (松川市公安局党委|书记
    → 松川市公安局)."""
    name = ent.text
    if PARTY_GROUP.search(name) and PERSON_TITLE_AFTER.match(text[ent.end_char :]):
        name = PARTY_GROUP.sub("", name)
    return name if ORG_BODY_END.search(name) else None


def penalised(text: str, paragraph: int, figure_start: int, organisation: Name, indicator: str) -> bool:
    """A company whose figure is a penalty (罚款, 没收… in the indicator, or between the company
    and the figure: 青禾食品公司…分别处以罚款20万元、10万元): it was fined, it did not report."""
    since = max(organisation.end if organisation.paragraph == paragraph else 0, sentence_start(text, figure_start))
    words = indicator + text[since:figure_start]
    return bool(COMPANY_END.search(organisation.text) and PENALTY_WORDS.search(words))


def campaign_names(doc: Doc, text: str, paragraph: int) -> list[Name]:
    """The campaigns a paragraph names, as the pipeline's `name_edges` left them; a span that
    starts with a conjunction or a closing quote (随着“清链”…, ”行动), or is a type word with
    generic modifiers only (专项整治行动), is no name."""
    return [
        Name(ent.text, paragraph, ent.start_char)
        for ent in doc.ents
        if ent.label_ == "CAMPAIGN"
        and not NOT_CAMPAIGN_START.match(ent.text)
        and not is_generic_campaign(ent.text)
        and ent.text.count("“") == ent.text.count("”")
    ]


def sentence_campaigns(text: str, paragraph: int, named: list[Name]) -> list[tuple[Name, int, int]]:
    """The campaigns the sentences of a paragraph set going, each with where and the end of its
    sentence: one named there (开展“清链”行动, in the clause that names it, or “清链”行动取得成效;
    not as a cause: 随着“清链”行动推进; campaigns listed together, “清链”“净岸”等, as one name
    for their joint result in their own sentence only), or the last one `named` before a
    clause that points back to it (…开展“清链”行动。行动中,…)."""
    campaigns = _joined(text, [name for name in named if name.paragraph == paragraph])
    found = []
    for name in campaigns:
        clause = clause_start(text, name.start)
        lead = text[clause : name.start]
        cause = CAUSE_LEAD.search(lead) or CAUSE_AFTER.match(text, name.end)
        if cause or any(clause <= other.start < name.start for other in campaigns):
            continue  # a cause, or a later one of several the clause names: the first speaks for them
        if CAMPAIGN_RELEASE_AFTER.match(text, name.end):
            found.append((replace(name, reach="release"), name.start, _sentence_end(text, name.end)))
            continue
        results = CAMPAIGN_RESULTS_AFTER.match(text, name.end)
        if results or CAMPAIGN_VERBS.search(lead) or SUBJECT_LEAD.match(TIME_EXPRESSION.sub("", lead)):
            found.append((name, name.start, _sentence_end(text, name.end)))
    for match in SCOPE_BACK.finditer(text):
        before = [c for c in named if (c.paragraph, c.start) < (paragraph, match.start())]
        if before:
            found.append((before[-1], match.start(), _sentence_end(text, match.end())))
    return sorted(found, key=lambda item: item[1])


def _joined(text: str, campaigns: list[Name]) -> list[Name]:
    """Campaigns listed together (“清链”“净岸”, “清链”、“净岸”) joined into one name that speaks
    for its own sentence only, as does one followed by 等; a name and its phase written together
    (打击制售假币专项行动“春风”) are one name."""
    joined: list[Name] = []
    for name in campaigns:
        previous = joined[-1] if joined else None
        glue = text[previous.end : name.start] if previous and previous.end <= name.start else None
        if previous and glue is not None and NAME_LIST_GLUE.match(glue):
            listed = glue.strip() or previous.text.endswith("”") or previous.reach == "sentence"
            joined[-1] = Name(
                text[previous.start : name.end], name.paragraph, previous.start, "sentence" if listed else "on"
            )
        elif text[name.end : name.end + 1] == "等":
            joined.append(replace(name, reach="sentence"))
        else:
            joined.append(name)
    if joined and joined[-1].reach == "on" and text[joined[-1].end : joined[-1].end + 1] == "等":
        joined[-1] = replace(joined[-1], reach="sentence")
    return joined


def _sentence_end(text: str, pos: int) -> int:
    end = SENTENCE_END.search(text, pos)
    return end.start() if end else len(text)


def campaign_in(period: Period | None, campaigns: list[Name]) -> Name | None:
    """The campaign of an event scope: the one named inside it (在“清链”行动中, “清链”行动
    开展以来), or for a scope that names only its type (行动开展以来, 专项行动期间) the
    campaign named last before it in the document, the last of that type where there is one
    (专项斗争以来 → 扫黑除恶专项斗争, not the “清仓”行动 listed after it)."""
    if period is None:
        return None
    inside = [c for c in campaigns if c.paragraph == period.paragraph and period.start <= c.start < period.end]
    if inside:
        return inside[0]
    kind = CAMPAIGN_TYPE_IN_SCOPE.search(period.text)
    if kind is None:
        return None
    before = [c for c in campaigns if (c.paragraph, c.start) < (period.paragraph, period.start)]
    of_kind = [c for c in before if kind.group() in c.text]
    found = of_kind or before
    return found[-1] if found else None


def set_going_here(set_going: list[tuple[Name, int, int]], start: int) -> Name | None:
    """The campaign set going earlier in the figure's own sentence (…;部署开展青禾“清源”专项打击,
    查处案件40起): it is more specific than a campaign whose scope runs on from before."""
    return next((name for name, at, sentence_end in reversed(set_going) if at < start <= sentence_end), None)


def running_campaign(
    text: str, set_going: list[tuple[Name, int, int]], periods: list[Period], named: list[Name], start: int
) -> Name | None:
    """The campaign a figure of this paragraph belongs to by the sentence that set it going:
    its own sentence, or an earlier one while nothing has taken over since — a calendar period
    (开展“清链”行动。截至6月5日,破获… keeps it; 今年以来,全市破获… does not), any period
    opening a new line (the text has moved on), another campaign `named`, or a quoted name
    heading the figure's sentence (…;“净岸二号”案件12起: the items of a list under their own
    names, found as campaigns or not)."""
    for name, at, sentence_end in reversed(set_going):
        if at >= start:
            continue
        if start <= sentence_end:
            return name
        if name.reach == "sentence":
            return None
        taken_over = (
            any(sentence_end <= p.start < start and p.reach == "on" and _ends_scope(text, p, name) for p in periods)
            or any(
                other.paragraph == name.paragraph and sentence_end <= other.start < start and other.text != name.text
                for other in named
            )
            or text[sentence_start(text, start) : start].lstrip()[:1] in OPENING_QUOTES
        )
        return None if taken_over else name
    return None


def _ends_scope(text: str, period: Period, campaign: Name) -> bool:
    """Whether a period ends the scope of a campaign set going before it: one of the calendar,
    unless the release was about the campaign, or any at the head of a new line."""
    new_line = text[: period.start].rstrip(" \t\u3000").endswith("\n")
    return new_line or (campaign.reach != "release" and bool(CALENDAR_PERIOD.search(period.text)))


def wider_than_organisation(text: str, paragraph: int, figure_start: int, organisation: Name) -> bool:
    """A figure whose sentence speaks for a wider scope (全国…, 全省…) than the body carried
    to it from an earlier sentence (a city's bureau): the figure is not that body's."""
    start = sentence_start(text, figure_start)
    if organisation.paragraph == paragraph and organisation.start >= start:
        return False
    words = text[start:figure_start]
    scope = max((level for level, pattern in SCOPE_LEVELS if pattern.search(words)), default=0)
    return scope > level_of(organisation.text)


def other_province(text: str, paragraph: int, figure_start: int, organisation: Name) -> bool:
    """A figure whose sentence names another province (青禾省…) than the body carried to it
    from an earlier sentence (松川省公安厅), or names a province at all when that body is a
    national one (公安部…。其中,湖南省破获…): the figure is not that body's."""
    start = sentence_start(text, figure_start)
    if organisation.paragraph == paragraph and organisation.start >= start:
        return False
    own = PROVINCE.search(organisation.text)
    if own is None:
        return level_of(organisation.text) == 3 and bool(
            PROVINCE.search(text, start, figure_start) or PROVINCE_NAME.search(text, start, figure_start)
        )
    return any(m.group(1) != own.group(1) for m in PROVINCE.finditer(text, start, figure_start))


def other_data(text: str, paragraph: int, figure_start: int, organisation: Name) -> bool:
    """A source named between the body and the figure (据网络平台数据…): the figure comes from
    other data than the body's."""
    since = organisation.end if organisation.paragraph == paragraph else 0
    return bool(OTHER_DATA.search(text, since, figure_start))


def level_of(name: str) -> int:
    """3 for a national body, 2 provincial, 1 a city's, 0 a county's; a name that says none of
    these (莆田警方, 长治公安: a place's short name) is taken as a city's, as short names mostly are."""
    return next((level for level, pattern in ORG_LEVELS if pattern.search(name)), 1)


def mention_end(text: str, start: int, name: str) -> int | None:
    """Where the mention of `name` at `start` of `text` ends: the name itself, or the shorter
    form the text used there (市公安局 for 松川市公安局); None when neither stands there."""
    found = next((len(name) - i for i in range(len(name) - 1) if text.startswith(name[i:], start)), None)
    return None if found is None or start < 0 else start + found


def fullest(name: str, names: list[str]) -> str:
    """The fullest mention of a body in the document: 市公安局 → 松川市公安局, and a place's
    police, court or procuratorate written as a class → that place's body where the document
    names it (松川警方, 松川全市公安机关 → 松川市公安局; kept as written where the document names
    none, or several: 松川市公安局 and 松川省公安厅 for 松川警方)."""
    found = max((other for other in names if other.endswith(name)), key=len, default=name)
    return found if found != name else _body_of_class(name, names) or name


def _body_of_class(name: str, names: list[str]) -> str | None:
    for classes, heads in BODY_OF_CLASS:
        word = next((w for w in classes if name.endswith(w)), None)
        if word is None:
            continue
        place = name[: -len(word)]
        for scope in SCOPE_WORDS:
            place = place.removesuffix(scope)
        bodies = [
            other
            for other in names
            if len(place) >= 2 and any(other == place + level + head for level in PLACE_LEVEL_WORDS for head in heads)
        ]
        return bodies[0] if len(set(bodies)) == 1 else None  # none named, or which is unclear
    return None
