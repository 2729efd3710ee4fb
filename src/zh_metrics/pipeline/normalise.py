"""Normalised values for figure spans: value, unit, qualifier, and for rates sign and basis.

The rules are those of docs/ANNOTATION.md ("Normalised values"). Chinese numerals are read
by cn2an; everything around them (余/多, 万/亿, measure words, currency, direction words) is
read here, from the span and the words just before and after it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an
from spacy.language import Language
from spacy.tokens import Doc, Span

from .tokenizer import doc_text
from .vocabulary import (
    APPROX_INSIDE,
    BASIS_RE,
    CURRENCIES,
    KILO_UNITS,
    NUMERAL_CHARS,
    QUALIFIERS_AFTER,
    QUALIFIERS_BEFORE,
    SHARE_OF_EARLIER_RE,
    SUBUNITS,
    TIMES_OF_RE,
    VAGUE_PREFIXES,
    VALUE_LABELS,
    direction_sign,
    rate_context,
)

SUBUNIT_VALUES = {unit: Decimal(value) for unit, value in SUBUNITS.items()}
MAGNITUDES = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
RANGE_RE = re.compile(r"^(?P<low>[^至到~～\-—–]+?)(?:至|到|~|～|-|—|–)(?P<high>.+)$")

for _attr in ("value", "value_max", "unit", "qualifier", "basis", "value_error"):
    if not Span.has_extension(_attr):
        Span.set_extension(_attr, default=None)


@dataclass(frozen=True)
class Normalised:
    """What the normaliser says about one span."""

    value: int | float | None
    unit: str | None
    qualifier: str | None = None
    basis: str | None = None
    value_max: int | float | None = None
    error: str | None = None


class NormaliseError(ValueError):
    """A span whose value cannot be read; the message says why."""


def to_number(value: Decimal) -> int | float:
    """int where whole, else float."""
    return int(value) if value == value.to_integral_value() else float(value)


def clean(text: str) -> str:
    """Full-width to half-width, no spaces, no thousands separators."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "", text)


def parse_number(text: str) -> Decimal:
    """A number written in Arabic digits, Chinese numerals or both, with 万/亿 magnitudes."""
    mantissa, scale = text, Decimal(1)
    while mantissa and mantissa[-1] in MAGNITUDES:
        scale *= MAGNITUDES[mantissa[-1]]
        mantissa = mantissa[:-1]
    if mantissa in ("", "十", "百", "千"):
        mantissa = "一" + mantissa if mantissa else "一"
    if re.fullmatch(r"\d+(?:\.\d+)?", mantissa):
        return Decimal(mantissa) * scale
    try:
        read = cn2an.cn2an(mantissa.replace(".", "点"), "smart")
    except (ValueError, KeyError, IndexError) as err:
        raise NormaliseError(f"cannot read the number {text!r}") from err
    return Decimal(str(read)) * scale


def split_figure(text: str) -> tuple[str, bool, str]:
    """Split `3000余万元` into number `3000万`, approximate (余/多 inside), unit `元`."""
    number: list[str] = []
    approx = False
    i = 0
    while i < len(text) and (text[i] in NUMERAL_CHARS or (text[i] in APPROX_INSIDE and number)):
        if text[i] in APPROX_INSIDE:
            approx = True
        else:
            number.append(text[i])
        i += 1
    rest = text[i:]
    if number and number[-1] == "千" and rest.startswith(KILO_UNITS):
        number.pop()
        rest = "千" + rest
    return "".join(number), approx, rest


def read_amount(text: str) -> tuple[Decimal, bool, str]:
    """Value, whether 余/多 made it approximate, and what follows the number."""
    if text.startswith(VAGUE_PREFIXES) and not re.match(r"^上\d", text):
        raise NormaliseError(f"vague figure {text!r} has no single value")
    number, approx, rest = split_figure(text)
    if not number:
        raise NormaliseError(f"no number in {text!r}")
    return parse_number(number), approx, rest


def _context_qualifier(before: str, after: str) -> str | None:
    """The qualifier the words right before or after a figure give it (近, 约, 逾…, 以上, 左右…)."""
    before = before.rstrip()
    for qualifier, words in QUALIFIERS_BEFORE:
        if before.endswith(words):
            return qualifier
    for qualifier, words in QUALIFIERS_AFTER:
        if after.startswith(words):
            return qualifier
    return None


def normalise_amount(text: str, label: str, before: str, after: str) -> Normalised:
    """MONEY and COUNT (and absolute changes) with their unit and qualifier."""
    value, approx, unit = read_amount(clean(text))
    qualifier = "more_than" if approx else (_context_qualifier(before, after) or "exact")
    if label == "MONEY" and unit in SUBUNIT_VALUES:
        return Normalised(to_number(value * SUBUNIT_VALUES[unit]), "元", qualifier)
    if label == "MONEY" or (unit.endswith("元") and unit not in ("单元",)):
        currency = next((c for c in CURRENCIES if c in unit), None)
        if currency is None:
            currency = next((c for c in CURRENCIES if before.rstrip().endswith(c)), "元")
        if currency in ("人民币", "港币"):
            currency = {"人民币": "元", "港币": "港元"}[currency]
        for magnitude in ("万", "亿"):
            if unit.startswith(magnitude):
                value *= MAGNITUDES[magnitude]
                unit = unit[1:]
        unit = currency
    return Normalised(to_number(value), unit, qualifier)


def normalise_rate(text: str, before: str, after: str) -> Normalised:
    """A change: sign from the direction word, basis from 同比/环比, the multiples rule."""
    span_text = clean(text)
    sign = direction_sign(before)
    bases = BASIS_RE.findall(before)
    basis = bases[-1] if bases else None
    qualifier = _context_qualifier(before, after) or "exact"
    if span_text.endswith("%"):
        value, approx, rest = read_amount(span_text[:-1])
        if SHARE_OF_EARLIER_RE.search(before.rstrip()):
            # 是去年同期的80%: the figure is 80% of the earlier one, a change of −20% (as 是…的N倍 is +(N−1))
            return Normalised(to_number(value / 100 - 1), "ratio", "more_than" if approx else qualifier, basis)
        return Normalised(to_number(sign * value / 100), "ratio", "more_than" if approx else qualifier, basis)
    if span_text.endswith("个百分点") or span_text.endswith("百分点"):
        value, approx, _ = read_amount(span_text[: -4 if span_text.endswith("个百分点") else -3])
        return Normalised(to_number(sign * value), "percentage_point", "more_than" if approx else qualifier, basis)
    times = re.fullmatch(r"(.+?)(余|多)?倍(余|多)?", span_text)
    if times:
        value, approx, _ = read_amount(times.group(1))
        approx = approx or bool(times.group(2) or times.group(3))
        if TIMES_OF_RE.search(before.rstrip()):
            value -= 1
        return Normalised(to_number(sign * value), "ratio", "more_than" if approx else qualifier, basis)
    tenths = re.fullmatch(r"(.+?)成(多|余)?", span_text)
    if tenths:
        value, approx, _ = read_amount(tenths.group(1))
        return Normalised(
            to_number(sign * value / 10), "ratio", "more_than" if approx or tenths.group(2) else qualifier, basis
        )
    if span_text in ("一半", "半数"):
        return Normalised(to_number(sign * Decimal("0.5")), "ratio", qualifier, basis)
    amount = normalise_amount(span_text, "RATE", before, after)
    signed = None if amount.value is None else to_number(sign * Decimal(str(amount.value)))
    return Normalised(signed, amount.unit, amount.qualifier, basis)


def normalise_percent(text: str, before: str, after: str) -> Normalised:
    """A level: 60.72% → 0.6072, 三成 → 0.3, 一半 → 0.5, 千分之三 → 0.003."""
    span_text = clean(text)
    qualifier = _context_qualifier(before, after) or "exact"
    if span_text.endswith("%"):
        value, approx, _ = read_amount(span_text[:-1])
        return Normalised(to_number(value / 100), "ratio", "more_than" if approx else qualifier)
    per = re.fullmatch(r"(百|千|万)分之(.+)", span_text)
    if per:
        value, approx, _ = read_amount(per.group(2))
        scale = {"百": 100, "千": 1000, "万": 10000}[per.group(1)]
        return Normalised(to_number(value / scale), "ratio", "more_than" if approx else qualifier)
    if span_text in ("一半", "半数"):
        return Normalised(0.5, "ratio", qualifier)
    tenths = re.fullmatch(r"(.+?)成(多|余)?", span_text)
    if tenths:
        value, approx, _ = read_amount(tenths.group(1))
        return Normalised(to_number(value / 10), "ratio", "more_than" if approx or tenths.group(2) else qualifier)
    times = re.fullmatch(r"(.+?)倍", span_text)
    if times:
        value, approx, _ = read_amount(times.group(1))
        return Normalised(to_number(value), "ratio", "more_than" if approx else qualifier)
    raise NormaliseError(f"cannot read the percentage {text!r}")


def _normalise_one(text: str, label: str, before: str, after: str) -> Normalised:
    if label == "RATE":
        return normalise_rate(text, before, after)
    if label == "PERCENT":
        return normalise_percent(text, before, after)
    return normalise_amount(text, label, before, after)


def split_range(text: str) -> tuple[str, str] | None:
    """`3至5倍` → (`3倍`, `5倍`); `20至50万元` → (`20万元`, `50万元`): the low end borrows
    the high end's magnitude and unit when it has none of its own."""
    ranged = RANGE_RE.match(clean(text))
    if not ranged:
        return None
    low, high = ranged.group("low"), ranged.group("high")
    high_number, _, high_unit = split_figure(high)
    low_number, _, low_unit = split_figure(low)
    if not high_number or not low_number:
        return None
    if not low_unit:
        magnitude = re.findall(r"[万亿]*$", high_number)[0]
        if not re.search(r"[万亿]$", low_number):
            low = low + magnitude
        low += high_unit
    return low, high


def normalise(text: str, label: str, before: str = "", after: str = "") -> Normalised:
    """Normalise one span given the text just before and after it. Never raises: a span
    that cannot be read comes back with value None and the reason in `error`."""
    try:
        ends = split_range(text)
        if ends is None:
            return _normalise_one(text, label, before, after)
        low = _normalise_one(ends[0], label, before, after)
        high = _normalise_one(ends[1], label, before, after)
        return Normalised(low.value, high.unit, "range", low.basis, value_max=high.value)
    except (NormaliseError, InvalidOperation, ArithmeticError, ValueError) as err:
        return Normalised(None, None, None, error=str(err))


class FigureNormaliser:
    """Sets value, unit, qualifier (and basis on rates) on every figure entity."""

    def __init__(self, labels: Iterable[str] = VALUE_LABELS, window: int = 12) -> None:
        self.labels = tuple(labels)
        self.window = window

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        rate_starts = {ent.end_char: ent.start_char for ent in doc.ents if ent.label_ == "RATE"}
        for ent in doc.ents:
            if ent.label_ not in self.labels:
                continue
            after = text[ent.end_char : ent.end_char + self.window]
            if ent.label_ == "RATE":
                before = rate_context(text, ent.start_char, rate_starts)
            else:
                before = text[max(0, ent.start_char - self.window) : ent.start_char]
            result = normalise(ent.text, ent.label_, before, after)
            ent._.value = result.value
            ent._.value_max = result.value_max
            ent._.unit = result.unit
            ent._.qualifier = result.qualifier
            ent._.basis = result.basis
            ent._.value_error = result.error
        return doc


@Language.factory(
    "figure_normaliser",
    default_config={"labels": list(VALUE_LABELS), "window": 12},
)
def make_figure_normaliser(nlp: Language, name: str, labels: list[str], window: int) -> FigureNormaliser:
    """Reads the value, unit and qualifier of MONEY, COUNT, PERCENT and RATE entities."""
    return FigureNormaliser(labels, window)
