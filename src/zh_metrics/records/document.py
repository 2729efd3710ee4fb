"""Rows of a whole document: each figure of each paragraph with its indicator, change,
period, organisation and campaign, scopes running on from the title and earlier paragraphs."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from spacy.tokens import Doc, Span

from ..pipeline.link import sentence_bounds
from ..pipeline.tokenizer import doc_text
from ..pipeline.vocabulary import FIGURE_HEAD_LABELS
from .indicator import indicator_of, list_indicators
from .metric import Change, Metric
from .period import Period, find_periods, last_scope, parse_date, period_dates, periods_of, sentence_start
from .scope import (
    Name,
    campaign_in,
    campaign_names,
    fullest,
    other_data,
    other_province,
    penalised,
    running_campaign,
    sentence_campaigns,
    set_going_here,
    subject_organisations,
    wider_than_organisation,
)


def extract_document(docs: list[Doc], date: str | datetime.date | None = None) -> list[Metric]:
    """Metric rows of a document given as its processed paragraphs in order (the title
    first, where there is one). `date` (ISO, or a date) settles relative periods (今年以来)."""
    return [metric for _, metric in metrics_by_paragraph(docs, date)]


def metrics_by_paragraph(docs: list[Doc], date: str | datetime.date | None = None) -> list[tuple[int, Metric]]:
    """The rows of `extract_document`, each with the index of its paragraph in `docs`."""
    day = parse_date(date)
    texts = [doc_text(doc) for doc in docs]
    offsets = [sum(len(t) + 1 for t in texts[:i]) for i in range(len(texts))]
    org_names = [e.text for doc in docs for e in doc.ents if e.label_ == "ORG"]
    campaigns = [name for i, (doc, text) in enumerate(zip(docs, texts)) for name in campaign_names(doc, text, i)]
    metrics: list[Metric] = []
    paragraph_of: list[int] = []
    carried_period: Period | None = None
    carried_org: Name | None = None
    for i, (doc, text) in enumerate(zip(docs, texts)):
        periods = find_periods(doc, text, i)
        subjects = subject_organisations(doc, text, i)
        set_going = sentence_campaigns(text, i, campaigns)
        figures = list(_figures_with_changes(doc))
        governing = periods_of(text, [ent for ent, _ in figures], periods, carried_period)
        indicators = list_indicators(
            text, [ent for ent, _ in figures], [indicator_of(doc, ent, text) for ent, _ in figures]
        )
        for (ent, rate), period, indicator in zip(figures, governing, indicators):
            organisation = _organisation(text, i, ent.start_char, subjects, carried_org, indicator)
            campaign = (
                set_going_here(set_going, ent.start_char)
                or campaign_in(period, campaigns)
                or running_campaign(text, set_going, periods, campaigns, ent.start_char)
            )
            metric = _metric(text, ent, rate, indicator, period, day)
            metric.organisation = fullest(organisation.text, org_names) if organisation else None
            metric.organisation_start = _offset_from(organisation, offsets, i)
            metric.campaign = campaign.text if campaign else None
            metric.campaign_start = _offset_from(campaign, offsets, i)
            metrics.append(metric)
            paragraph_of.append(i)
        carried_period = last_scope(periods, carried_period)
        carried_org = next((s for s in reversed(subjects) if s.reach == "on"), carried_org)
    _fill_indicators(metrics)
    return list(zip(paragraph_of, metrics))


def _organisation(
    text: str, paragraph: int, figure_start: int, subjects: list[Name], carried: Name | None, indicator: str
) -> Name | None:
    """The body whose figure it is: the last subject before it that still scopes it (one of
    reach "sentence" only in its own sentence) and was not fined for it (the regulator before a
    fined company reports the case), unless the figure's sentence speaks for a wider scope or
    another province, or the text names other data for it."""
    sentence = sentence_start(text, figure_start)
    in_scope = [
        s
        for s in reversed(subjects)
        if s.start < figure_start and (s.reach == "on" or sentence_start(text, s.start) == sentence)
    ]
    organisation = next(
        (s for s in [*in_scope, carried] if s and not penalised(text, paragraph, figure_start, s, indicator)), None
    )
    if organisation is None or any(
        test(text, paragraph, figure_start, organisation)
        for test in (wider_than_organisation, other_province, other_data)
    ):
        return None
    return organisation


def _metric(
    text: str,
    ent: Span,
    rate: Span | None,
    indicator: str,
    period: Period | None,
    day: datetime.date | None,
) -> Metric:
    """The row of one figure, without its organisation and campaign."""
    left, right = sentence_bounds(text, ent.start_char, ent.end_char)
    is_rate = ent.label_ == "RATE"
    period_start, period_end = period_dates(period.text, day) if period else (None, None)
    return Metric(
        indicator=indicator,
        label=ent.label_,
        text=ent.text,
        value=None if is_rate else ent._.value,
        unit=None if is_rate else ent._.unit,
        qualifier=None if is_rate else ent._.qualifier,
        change=None if rate is None else Change(rate._.value, rate._.unit, rate._.basis, rate.text),
        organisation=None,
        campaign=None,
        sentence=text[left:right].strip(),
        start=ent.start_char,
        end=ent.end_char,
        period=period.text if period else None,
        period_start=period_start,
        period_end=period_end,
    )


def _offset_from(name: Name | None, offsets: list[int], paragraph: int) -> int | None:
    """A name's offset from the start of paragraph `paragraph` in the document's text
    (negative where the name is in an earlier paragraph)."""
    return None if name is None else offsets[name.paragraph] + name.start - offsets[paragraph]


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
        if ent.label_ in FIGURE_HEAD_LABELS:
            yield ent, rate_of.get(key)
        elif ent.label_ == "RATE" and key not in linked:
            yield ent, ent


def _fill_indicators(metrics: list[Metric]) -> None:
    """A figure right after another (13批7315人) shares the indicator of the one before."""
    for previous, metric in zip(metrics, metrics[1:]):
        if not metric.indicator and previous.sentence == metric.sentence:
            metric.indicator = previous.indicator
