"""The period of each figure: which time expression scopes it, and the dates it settles.

A figure's period is the nearest time expression before it in the document (its clause and
sentence first, then earlier sentences, paragraphs and the title) until another takes over.
An event scope counts as a time expression (专项行动开展以来, 行动期间, 在“清链”行动中). A
comparison base (比去年, 较上年同期, 去年同期为…) scopes only the figures of its own clause,
and a byline or meeting date (新华社某地3月1日电, 12月3日召开的发布会) scopes nothing.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ..pipeline.normalise import NormaliseError, parse_number
from ..pipeline.rules import in_quoted_name
from ..pipeline.vocabulary import (
    BASE_BEFORE,
    BASE_PERIOD,
    CLAUSE_BREAK,
    DIRECTION_RE,
    EVENT_WORDS,
    LIST_GLUE,
    NOT_PERIOD_AFTER,
    OBJECT_PERIOD_BEFORE,
    PART_BEFORE,
    SCOPE_END,
    SCOPE_IN,
    SCOPE_LEAD,
    SENTENCE_END,
    TIME_EXPRESSION,
    UP_TO_NOW,
    WEAK_PERIODS,
)


@dataclass(frozen=True)
class Period:
    """A time expression found in a paragraph. `reach` is how far it scopes: "on" (until
    another takes over), "clause" (a comparison base) or "sentence" (a part: 其中,第二季度…;
    the time of the cases a review found: 梳理出近五年来…案件)."""

    text: str
    start: int
    end: int
    reach: str = "on"
    paragraph: int = 0


def find_periods(doc: Doc, text: str, paragraph: int = 0) -> list[Period]:
    """The time expressions and event scopes of a paragraph, in order, without bylines,
    meeting dates and those inside a name, a quoted one too (“松剑4号”), or a figure."""
    scopes = _event_scopes(doc, text, paragraph)
    taken = [(e.start_char, e.end_char) for e in doc.ents] + [(s.start, s.end) for s in scopes]
    found = list(scopes)
    for match in TIME_EXPRESSION.finditer(text):
        start = match.start() + len(match.group()) - len(match.group().lstrip())
        end = match.end()
        if (
            any(s < end and start < e for s, e in taken)
            or NOT_PERIOD_AFTER.match(text[end : end + 30])
            or in_quoted_name(text, start, end)
        ):
            continue
        lead = text[clause_start(text, start) : start]
        sentence_lead = text[sentence_start(text, start) : start]
        after_base = found and found[-1].reach == "clause" and LIST_GLUE.fullmatch(text[found[-1].end : start])
        if BASE_BEFORE.search(lead) or BASE_PERIOD.search(match.group()) or after_base:
            reach = "clause"
        elif PART_BEFORE.search(sentence_lead) or OBJECT_PERIOD_BEFORE.search(lead):
            reach = "sentence"
        else:
            reach = "on"
        found.append(Period(text[start:end], start, end, reach, paragraph))
    return sorted(found, key=lambda p: p.start)


def clause_start(text: str, pos: int) -> int:
    """Where the clause around `pos` starts (after a comma, colon or sentence end)."""
    return max((m.end() for m in CLAUSE_BREAK.finditer(text, max(0, pos - 80), pos)), default=max(0, pos - 80))


def _event_scopes(doc: Doc, text: str, paragraph: int) -> list[Period]:
    """Event scopes: 在…中, and …以来/…期间 after an event rather than a date (the clause up
    to 以来, from 自/从 where it says so, without a leading organisation or filler)."""
    scopes = [Period(m.group(), m.start(), m.end(), paragraph=paragraph) for m in SCOPE_IN.finditer(text)]
    for match in SCOPE_END.finditer(text):
        start, end = clause_start(text, match.start()), match.end()
        words = text[start : match.start()]
        if _ends_in_time(text[start:end]) or any(s.start <= match.start() < s.end for s in scopes):
            continue
        if match.group() == "期间" and not EVENT_WORDS.search(words):
            continue
        from_word = re.search(r"自从|自|从", words)
        if from_word:
            start += from_word.start()
        start = max([start] + [e.end_char for e in doc.ents if e.label_ == "ORG" and start <= e.start_char < end])
        lead = SCOPE_LEAD.match(text[start:end])
        if lead:
            start += lead.end()
        if end - start > 2:
            scopes.append(Period(text[start:end], start, end, paragraph=paragraph))
    return scopes


def _ends_in_time(words: str) -> bool:
    """以来/期间 right after a date or span (2020年以来, 假期期间): a time expression, not an event."""
    return any(m.end() == len(words) and len(m.group()) > 2 for m in TIME_EXPRESSION.finditer(words))


def periods_of(text: str, figures: list[Span], periods: list[Period], carried: Period | None) -> list[Period | None]:
    """The period of each figure of a paragraph: the nearest before it that still scopes it;
    `carried` is the one in scope when the paragraph starts. A base scopes a figure of its
    clause that is no change (比去年9.3万件 → 去年; not 比去年增加3起), a part the figures of
    its sentence; a weak period (全年, 目前) takes over only where none is in scope."""
    out: list[Period | None] = []
    for figure in figures:
        current, chosen = carried, None
        clause, sentence = clause_start(text, figure.start_char), sentence_start(text, figure.start_char)
        for period in periods:
            if period.end > figure.start_char:
                break
            if period.reach == "on" and (current is None or period.text not in WEAK_PERIODS):
                current = period
            elif period.reach == "sentence" and period.start >= sentence:
                chosen = period
            elif (
                period.reach == "clause"
                and period.start >= clause
                and figure.label_ != "RATE"
                and not DIRECTION_RE.search(text, period.end, figure.start_char)
            ):
                chosen = period
        out.append(chosen or current)
    return out


def sentence_start(text: str, pos: int) -> int:
    """Where the sentence around `pos` starts."""
    return max((m.end() for m in SENTENCE_END.finditer(text, max(0, pos - 500), pos)), default=max(0, pos - 500))


def last_scope(periods: list[Period], carried: Period | None) -> Period | None:
    """The period still in scope at the end of a paragraph."""
    for period in reversed(periods):
        if period.reach == "on" and (carried is None or period.text not in WEAK_PERIODS):
            return period
    return carried


# ---------------------------------------------------------------------------
# Dates

_YEARS = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
_POINT_RE = re.compile(
    r"(?P<year>\d{4}|今年|本年|当年|去年|上年|前年|明年)?\s*年?\s*"
    r"(?:(?P<month>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月份?(?P<part>初|底|末|中旬|上旬|下旬)?"
    r"(?:\s*(?P<day>\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号])?"
    r"|(?P<season>上半年|下半年|第?[一二三四1-4]季度|前[一二三四五六七八九十\d]+个?(?:月|季度)|全年)"
    r"|(?P<yearpart>初|底|末))?"
)
# the hour or part of a day after a date (4日19时, 6月23日晚上): the day settles the period
_HOUR_AT_END = re.compile(r"(?:\d{1,2}时(?:\d{1,2}分)?|[早晚]上|凌晨|上午|下午|晚间?)$")
NOW_WORDS = ("目前", "当前", "现在", "今天", "目前为止")
_RANGE_SPLIT = re.compile(r"\s*(?:至|到|-|—|–|~|～|－)\s*")


def period_dates(text: str, date: datetime.date | None) -> tuple[str | None, str | None]:
    """ISO start and end dates of a period where its words and the document date settle them:
    今年以来 → 1 January … the document date; 去年全年 → the previous year; 截至9月底 → no start,
    30 September; 近五年 and event scopes without a date → both open."""
    body = _HOUR_AT_END.sub("", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))
    up_to = re.match(r"(?:截至|截止到?|截止至|到|至)", body)
    if up_to:
        rest = body[up_to.end() :]
        return None, _iso(date if rest in NOW_WORDS else _point(rest, date, last=True))
    body = re.sub(r"^(?:自从|自|从|由)", "", body)
    if body.endswith(UP_TO_NOW) or body.endswith("开始") or body.endswith("起"):
        head = re.sub(r"(?:以来|至今|来|开始|起)$", "", body)
        start = _point(head, date, last=False) if _whole_point(head) else None
        if start is None:
            return None, None
        return _iso(start), _iso(date)
    if body in NOW_WORDS:
        return None, _iso(date)
    parts = _RANGE_SPLIT.split(body, maxsplit=1)
    if len(parts) == 2 and parts[0][-1:].isdigit() and "月" in parts[1]:
        parts[0] += "月"  # 1至6月, 2022年1-10月
    elif len(parts) == 2 and "日" in parts[1] and "月" not in parts[1] and "月" in parts[0]:
        parts[1] = parts[0][: parts[0].index("月") + 1] + parts[1]  # 5月25日至27日
    if not all(_whole_point(p) for p in parts):
        return None, None
    if len(parts) == 2:
        first = _point(parts[0], date, last=False)
        year = first.year if first else None
        second = _point(parts[1], date, last=True, year=year)
        return _iso(first), _iso(second)
    return _iso(_point(body, date, last=False)), _iso(_point(body, date, last=True))


def _whole_point(text: str) -> bool:
    match = _POINT_RE.fullmatch(text)
    return bool(match and (match.group("year") or match.group("month") or match.group("season")) and text)


def _point(text: str, date: datetime.date | None, last: bool, year: int | None = None) -> datetime.date | None:
    """The first (or `last`) day of a point in time such as 2023年, 今年8月底, 上半年."""
    match = _POINT_RE.fullmatch(text)
    if not match or not text:
        return None
    year_word = match.group("year")
    if year_word in _YEARS:
        year = date.year + _YEARS[year_word] if date else None
    elif year_word:
        year = int(year_word)
    elif year is None and date:
        year = date.year
    if year is None:
        return None
    month, season, part = match.group("month"), match.group("season"), match.group("part") or match.group("yearpart")
    if month:
        m = _number(month)
        if not 1 <= m <= 12:
            return None
        day_word = match.group("day")
        if day_word:
            day = _number(day_word)
            return datetime.date(year, m, day) if 1 <= day <= calendar.monthrange(year, m)[1] else None
        last_day = calendar.monthrange(year, m)[1]
        if part in ("底", "末"):
            return datetime.date(year, m, last_day)
        if part == "初":
            return datetime.date(year, m, 1)
        return datetime.date(year, m, last_day if last else 1)
    if season:
        first_month, last_month = _season_months(season)
        if last:
            return datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])
        return datetime.date(year, first_month, 1)
    if part in ("底", "末"):
        return datetime.date(year, 12, 31)
    if part == "初":
        return datetime.date(year, 1, 1)
    return datetime.date(year, 12, 31) if last else datetime.date(year, 1, 1)


def _season_months(season: str) -> tuple[int, int]:
    if season == "上半年":
        return 1, 6
    if season == "下半年":
        return 7, 12
    if season == "全年":
        return 1, 12
    if season.startswith("前"):
        count = _number(season.strip("前个月季度"))
        return 1, 3 * count if season.endswith("季度") else count
    quarter = _number(season.strip("第季度"))
    return 3 * quarter - 2, 3 * quarter


def _number(text: str) -> int:
    try:
        return int(parse_number(text))
    except NormaliseError:
        return 0


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def parse_date(value: str | datetime.date | None) -> datetime.date | None:
    """A document date from an ISO string (2025-07-15, or a timestamp that starts with one)."""
    if value is None or isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError as err:
        raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}") from err
