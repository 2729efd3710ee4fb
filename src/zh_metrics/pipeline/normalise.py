"""Normalised values for figure spans: value, unit, qualifier, currency, and for rates sign and basis.

The rules are those of docs/ANNOTATION.md ("Normalised values") and docs/normaliser.md. The
numbers are read here, by a small grammar of Chinese and Arabic numerals (sections of four
places closed by 万/亿), so that a form it does not know is reported, never guessed. Everything
around the number (余/多/几, ranges, measure words, currency and sub-units, direction words,
qualifier words) is read from the span and the words just before and after it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

from spacy.language import Language
from spacy.tokens import Doc, Span

from .tokenizer import doc_text
from .vocabulary import (
    ABOUT_INSIDE,
    ADJACENT_NUMERALS,
    APPROX_INSIDE,
    BASIS_RE,
    BETWEEN_CHANGE_AND_VALUE,
    CURRENCIES,
    CURRENCY_ALIASES,
    CURRENCY_CODES,
    DECIMAL_POINTS,
    DEFAULT_CURRENCY_NAMES,
    DIGIT_VALUES,
    DIRECTION_RE,
    HALF,
    HALF_WORDS,
    KILO_UNITS,
    LATIN_MAGNITUDES,
    MAGNITUDE_CLASSIFIER,
    MAGNITUDES,
    MEASURE_WORD_CURRENCIES,
    MONEY_CLOSING,
    NUMERAL_CHARS,
    OUTSIDE_PREFIXES,
    QUALIFIER_WORDS_AFTER,
    QUALIFIER_WORDS_BEFORE,
    RANGE_CLOSERS,
    RANGE_OPENERS,
    RANGE_SEPARATORS,
    SHARE_OF_EARLIER_RE,
    SIGNS,
    SMALL_UNITS,
    SUBUNITS,
    TIMES_OF_RE,
    TRADITIONAL_FOLD,
    VAGUE_DIGIT,
    VAGUE_PREFIXES,
    VALUE_LABELS,
    ZERO_DIGITS,
    direction_sign,
    rate_context,
)

SUBUNIT_VALUES = {unit: Decimal(value) for unit, value in SUBUNITS.items()}
DIGITS = "0123456789" + "".join(DIGIT_VALUES)
UNIT_CHARS = "".join(SMALL_UNITS) + "".join(MAGNITUDES)
_SEPARATORS = "|".join(re.escape(sep) for sep in RANGE_SEPARATORS)
_NOT_SEPARATOR = "".join(sorted({re.escape(ch) for sep in RANGE_SEPARATORS for ch in sep}))
_SIGN = "[" + re.escape("".join(SIGNS)) + "]?"
RANGE_RE = re.compile(rf"(?P<low>{_SIGN}[^{_NOT_SEPARATOR}]+)(?:{_SEPARATORS})(?P<high>{_SIGN}[^{_NOT_SEPARATOR}]+)")
ADJACENT_RE = re.compile(
    rf"(?<![{DIGITS}{DECIMAL_POINTS}])(?:{'|'.join(ADJACENT_NUMERALS)})(?![{DIGITS}{DECIMAL_POINTS}])"
)
NUMERAL_RUN_RE = re.compile(rf"{_SIGN}[{re.escape(NUMERAL_CHARS + APPROX_INSIDE + VAGUE_DIGIT)}]*")
LATIN_MAGNITUDE_RE = re.compile(rf"(?<=\d)[{''.join(LATIN_MAGNITUDES)}](?![A-Za-z])")
SECTION_TOKEN_RE = re.compile(r"\d+(?:\.\d+)?|.")
TIMES_RE = re.compile(r"(?P<n>.+?)(?P<a>余|多)?倍(?P<half>半)?(?P<b>余|多)?")
TENTHS_RE = re.compile(r"(?P<n>.+?)成(?P<half>半)?(?P<a>多|余)?")
FRACTION_RE = re.compile(r"(?P<den>.+?)分之(?P<num>.+)")
SLASH_FRACTION_RE = re.compile(r"(?P<num>[-+]?\d+(?:\.\d+)?)/(?P<den>\d+(?:\.\d+)?)")
POINTS_RE = re.compile(r"(?P<n>.+?)个?百分点")
SUBUNIT_RE = re.compile(rf"[{''.join(ZERO_DIGITS)}]?(?P<digit>[{DIGITS}])(?P<unit>{'|'.join(SUBUNITS)})")
# words a span may carry in front of its number that the rules keep outside (近, 约, 人民币…),
# and for a rate its basis and direction (同比下降了3.1%)
PREFIX_WORDS = sorted(
    {*(w for w, _ in QUALIFIER_WORDS_BEFORE), *OUTSIDE_PREFIXES, *RANGE_OPENERS, "达到", *CURRENCIES},
    key=len,
    reverse=True,
)
PREFIX_RE = re.compile(f"(?:{'|'.join(map(re.escape, PREFIX_WORDS))})+")
RATE_PREFIX_RE = re.compile(
    f"(?:{'|'.join(map(re.escape, PREFIX_WORDS))}|{BASIS_RE.pattern}|{DIRECTION_RE.pattern}"
    f"|{BETWEEN_CHANGE_AND_VALUE.pattern})+"
)
SUFFIX_WORDS = tuple(w for w, _ in QUALIFIER_WORDS_AFTER if w not in APPROX_INSIDE) + RANGE_CLOSERS
# no figure is written with more characters than this (21,580,000,000,000 has 14 digits);
# arithmetic keeps more digits than any such number has, so nothing is rounded
MAX_NUMBER_LENGTH = 40
PRECISION = 64
# the words read before and after a span: its qualifier, direction and basis are at its edges
# (the component passes a window of 12 characters, a rate the ≤ 30 of its clause)
CONTEXT_LENGTH = 64

SPAN_ATTRS = ("value", "value_max", "unit", "qualifier", "basis", "currency", "value_error")
for _attr in SPAN_ATTRS:
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
    currency: str | None = None


class NormaliseError(ValueError):
    """A span whose value cannot be read; the message says why."""


def to_number(value: Decimal) -> int | float:
    """int where whole, else float."""
    return int(value) if value == value.to_integral_value() else float(value)


SPACES = re.compile(r"\s+")
THOUSANDS_SEPARATOR = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")


def clean(text: str) -> str:
    """Full-width to half-width, traditional numerals and currency names to simplified, no
    spaces, no thousands separators."""
    text = unicodedata.normalize("NFKC", text).translate(TRADITIONAL_FOLD)
    return THOUSANDS_SEPARATOR.sub("", SPACES.sub("", text))


# ---------------------------------------------------------------------------
# Numbers


def _digit(token: str) -> Decimal | None:
    """The value of one number token (Arabic digits, one Chinese digit, 几 as 0), else None."""
    if token[0].isdigit():
        return Decimal(token)
    if token == VAGUE_DIGIT:
        return Decimal(0)
    return Decimal(DIGIT_VALUES[token]) if token in DIGIT_VALUES else None


def _is_single_digit(token: str) -> bool:
    return token in DIGIT_VALUES or token == VAGUE_DIGIT or (len(token) == 1 and token.isdigit())


def parse_section(text: str) -> Decimal:
    """A number below the magnitudes: 三千二百, 一百零五, 一百五 (=150), 1百01, 4千230, 12.5, 一七二零."""
    tokens = SECTION_TOKEN_RE.findall(text)
    if not tokens:
        raise NormaliseError("no number")
    if len(tokens) > 1 and all(t in DIGIT_VALUES and t not in ("两", VAGUE_DIGIT) for t in tokens):
        return Decimal("".join(str(DIGIT_VALUES[t]) for t in tokens))  # digit by digit: 一七二零
    total, pending, pending_token = Decimal(0), None, ""
    last_unit, after_zero = None, False
    for i, token in enumerate(tokens):
        if token in SMALL_UNITS:
            unit = SMALL_UNITS[token]
            if last_unit is not None and unit >= last_unit:
                raise NormaliseError(f"the units of {text!r} are out of order")
            alone = i == 1 and i == len(tokens) - 1  # 12.5千 is one number and its unit
            if pending is not None and not _is_single_digit(pending_token) and not alone:
                raise NormaliseError(f"{pending_token!r} before {token!r} in {text!r}")
            total += (Decimal(1) if pending is None else pending) * unit
            pending, last_unit, after_zero = None, unit, False
            continue
        value = _digit(token)
        if value is None:
            raise NormaliseError(f"cannot read {token!r} in the number {text!r}")
        if pending is not None:
            raise NormaliseError(f"two numbers side by side in {text!r}")
        if token in ZERO_DIGITS and last_unit is not None:
            after_zero = True
            continue
        pending, pending_token = value, token
    if pending is None:
        return total
    if last_unit is None:
        return pending
    if _is_single_digit(pending_token) and last_unit >= 100 and not after_zero:
        return total + pending * last_unit / 10  # 一百五 = 150, 两千六 = 2600
    if pending >= last_unit:
        raise NormaliseError(f"{pending_token!r} after {text[: -len(pending_token)]!r} is too large")
    return total + pending


def parse_decimal(text: str) -> Decimal:
    """A section with a Chinese decimal point (七点四, 零点零五, 一百点123) or none."""
    if "点" not in text:
        return parse_section(text)
    whole, fraction = text.split("点", 1)
    if not whole or not fraction or any(ch not in DIGITS or ch in ("两", VAGUE_DIGIT) for ch in fraction):
        raise NormaliseError(f"cannot read the decimal {text!r}")
    digits = "".join(ch if ch.isdigit() else str(DIGIT_VALUES[ch]) for ch in fraction)
    return parse_section(whole) + Decimal("0." + digits)


def parse_number(text: str) -> Decimal:
    """A number in Arabic digits, Chinese numerals or both, with 万/亿 in any combination:
    1亿5000万, 一亿五千万零六千, 21.58万亿, 三万五 (=35000), 100万三千."""
    for magnitude in ("亿", "万"):
        at = text.rfind(magnitude)
        if at < 0:
            continue
        head, tail = text[:at], text[at + 1 :]
        if magnitude in head:  # 万万, 1万2万: only 万 before 亿 nests (21.58万亿)
            raise NormaliseError(f"{magnitude} twice in {text!r}")
        scale = Decimal(MAGNITUDES[magnitude])
        high = parse_number(head) if head else Decimal(1)
        if not tail:
            return high * scale
        if any(ch in DECIMAL_POINTS for ch in head):
            raise NormaliseError(f"a decimal before {magnitude} with more after it in {text!r}")
        zero = tail[0] in ZERO_DIGITS
        tail = tail.lstrip(ZERO_DIGITS)
        if not tail:
            raise NormaliseError(f"nothing after 零 in {text!r}")
        if not zero and _is_single_digit(tail):
            return high * scale + (_digit(tail) or Decimal(0)) * scale / 10  # 三万五, 一亿五
        low = parse_number(tail)
        if magnitude == "亿" and not zero and "万" not in tail and low < 10**7:
            raise NormaliseError(f"{text!r} is ambiguous: write 零 after 亿 or the 万 of what follows")
        if low >= scale:
            raise NormaliseError(f"{tail!r} after {magnitude} is too large in {text!r}")
        return high * scale + low
    return parse_decimal(text)


# ---------------------------------------------------------------------------
# Figures: a number with what surrounds it


def split_figure(text: str) -> tuple[str, str | None, str]:
    """Split `3000余万元` into number `3000万`, the qualifier words inside give it (余/多/几:
    more_than, 来 after 十/百/千/万/亿: about), unit `元`; 三个亿 is read as 三亿, 5千克 keeps its 千克."""
    number: list[str] = []
    inside = None
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in NUMERAL_CHARS:
            number.append(ch)
        elif number and ch in APPROX_INSIDE:
            inside = "more_than"
        elif number and ch == VAGUE_DIGIT:
            number.append(ch)
            inside = "more_than"
        elif number and ch in ABOUT_INSIDE and number[-1] in UNIT_CHARS:
            inside = "about"
        elif number and ch == MAGNITUDE_CLASSIFIER and re.match(rf"[{APPROX_INSIDE}]?[万亿]", text[i + 1 :]):
            pass
        else:
            break
        i += 1
    rest = text[i:]
    if number and number[-1] == "千" and rest.startswith(KILO_UNITS):
        number.pop()
        rest = "千" + rest
    return "".join(number), inside, rest


def read_amount(text: str) -> tuple[Decimal, str | None, str]:
    """Value (signed when a sign is written), the qualifier words inside the figure give it
    (余/多/几/来), and what follows the number. 半吨 is 0.5 吨, 一吨半 1.5 吨."""
    sign = 1
    if text[:1] in SIGNS:
        sign, text = SIGNS[text[0]], text[1:]
    if text.startswith(VAGUE_PREFIXES) and not re.match(r"^上\d", text):
        raise NormaliseError(f"vague figure {text!r} has no single value")
    if text in HALF_WORDS:
        raise NormaliseError(f"{text!r} is a share, not an amount")
    if text.startswith(HALF) and text[1:2] and text[1] not in NUMERAL_CHARS:
        return Decimal(sign) / 2, None, text[1:]
    number, inside, rest = split_figure(text)
    if not number:
        raise NormaliseError(f"no number in {text!r}")
    if len(number) > MAX_NUMBER_LENGTH:
        raise NormaliseError(f"a number of {len(number)} characters is no figure")
    value = parse_number(number)
    if (half := rest.find(HALF)) > 0:  # 一吨半, 两个半, 一块半
        if value != value.to_integral_value():
            raise NormaliseError(f"{HALF} after a decimal in {text!r}")
        value, rest = value + Decimal("0.5"), rest[:half] + rest[half + 1 :]
    return sign * value, inside, rest


def bare_number(text: str) -> Decimal:
    """A number with nothing after it (the parts of 百分之十五, 3/4)."""
    value, inside, rest = read_amount(text)
    if inside or rest:
        raise NormaliseError(f"cannot read {text!r} as a number")
    return value


def peel(text: str, label: str, before: str, after: str) -> tuple[str, str, str]:
    """Move words that the rules keep outside a span (近, 约, 人民币, 以上, 左右; for a rate
    同比下降…) from the span to the context, so a span that holds them reads the same."""
    lead = (RATE_PREFIX_RE if label == "RATE" else PREFIX_RE).match(text)
    if lead and lead.end() < len(text):
        before, text = before + lead.group(), text[lead.end() :]
    for word in SUFFIX_WORDS:
        if text.endswith(word) and len(text) > len(word):
            text, after = text[: -len(word)], word + after
            break
    return text, before, after


def _longest_first(words: Iterable[str], at_end: bool = False) -> re.Pattern[str]:
    """One pattern for a word list sorted longest first: `match` finds the longest word a text
    starts with, `search` (with `at_end`) the longest it ends with — as testing the words in
    order would, in one pass."""
    alternation = "|".join(re.escape(word) for word in words)
    return re.compile(f"(?:{alternation})$" if at_end else f"(?:{alternation})")


QUALIFIER_BEFORE = dict(QUALIFIER_WORDS_BEFORE)
QUALIFIER_AFTER = dict(QUALIFIER_WORDS_AFTER)
QUALIFIER_BEFORE_RE = _longest_first(QUALIFIER_BEFORE, at_end=True)
QUALIFIER_AFTER_RE = _longest_first(QUALIFIER_AFTER)
CURRENCY_START_RE = _longest_first(CURRENCIES)
CURRENCY_END_RE = _longest_first(CURRENCIES, at_end=True)


def _context_qualifier(before: str, after: str) -> str | None:
    """The qualifier the words right before or after a figure give it (近, 约, 小于…, 以上, 上下…)."""
    if found := QUALIFIER_BEFORE_RE.search(before.rstrip()):
        return QUALIFIER_BEFORE[found.group()]
    if found := QUALIFIER_AFTER_RE.match(after):
        return QUALIFIER_AFTER[found.group()]
    return None


# ---------------------------------------------------------------------------
# Money


def currency_name(text: str, at_end: bool = False) -> str | None:
    """The longest currency name `text` starts (or, with `at_end`, ends) with."""
    found = CURRENCY_END_RE.search(text) if at_end else CURRENCY_START_RE.match(text)
    return found.group() if found else None


def canonical_currency(name: str) -> str:
    """The one Chinese name of the currency a name or alias stands for (美金 → 美元)."""
    return CURRENCY_ALIASES.get(name, name)


def names_money(rest: str) -> bool:
    """Whether what follows a number of a COUNT or RATE is a currency (较去年增加1200万元),
    not a measure word (3块 is pieces there)."""
    name = currency_name(rest)
    return name is not None and name not in MEASURE_WORD_CURRENCIES


def read_money(value: Decimal, rest: str, before: str) -> tuple[Decimal, str, str]:
    """Value in the main unit, unit (the one Chinese name of the currency, with a /per unit),
    ISO-like code. Sub-units 角/毛/分 are decimals of 元; a currency named before the number
    holds for a span that says only 元; a name this table does not know is an error."""
    name = currency_name(rest)
    currency = canonical_currency(name) if name else "元"
    follows_before = name is None or name in DEFAULT_CURRENCY_NAMES
    rest = rest[len(name) :] if name else rest
    if name and currency == "元" and (second := currency_name(rest)):  # 5亿元人民币, 100元港币
        currency, follows_before, rest = canonical_currency(second), False, rest[len(second) :]
    place = Decimal(1)
    if not name and rest[:1] in SUBUNIT_VALUES:  # 伍角陆分, 5角: the number counts 角
        place = SUBUNIT_VALUES[rest[0]]
        value, rest = value * place, rest[1:]
    per = ""
    while rest:
        sub = SUBUNIT_RE.match(rest)
        if sub and SUBUNIT_VALUES[sub.group("unit")] < place:
            place = SUBUNIT_VALUES[sub.group("unit")]
            value += (_digit(sub.group("digit")) or Decimal(0)) * place
            rest = rest[sub.end() :]
        elif len(rest) == 1 and rest in DIGITS and rest not in ZERO_DIGITS and place > Decimal("0.01"):
            value += (_digit(rest) or Decimal(0)) * place / 10  # 二十块五 = 20.5, 三毛五 = 0.35
            place, rest = place / 10, ""
        elif rest in MONEY_CLOSING:
            rest = ""
        elif rest.startswith("/") and len(rest) > 1:
            per, rest = rest, ""
        else:
            raise NormaliseError(f"unknown currency or sub-unit {rest!r}")
    if place < 1:
        if currency != "元":
            raise NormaliseError(f"角/毛/分 with {currency}")
    elif follows_before and (named := currency_name(before.rstrip(), at_end=True)):
        currency = canonical_currency(named)
    return value, currency + per, CURRENCY_CODES[currency]


# ---------------------------------------------------------------------------
# Labels


def normalise_amount(text: str, label: str, before: str, after: str) -> Normalised:
    """MONEY and COUNT (and absolute changes) with their unit, currency and qualifier."""
    value, inside, rest = read_amount(text)
    qualifier = inside or _context_qualifier(before, after) or "exact"
    if label == "MONEY" or names_money(rest):
        value, unit, currency = read_money(value, rest, before)
        return Normalised(to_number(value), unit, qualifier, currency=currency)
    if re.search(r"\d", rest) or rest[:1] in DIGIT_VALUES or rest[:1] in (HALF, VAGUE_DIGIT):
        raise NormaliseError(f"cannot read {text!r}")
    return Normalised(to_number(value), rest, qualifier)


def read_share(text: str) -> tuple[Decimal, str | None] | None:
    """A share as a fraction, with the qualifier words inside give it: 60.72%, 3‰, 百分之十五,
    四分之一, 3/4, 三成, 三成半, 三成多, 一半. None when the text is no share."""
    if text.endswith(("%", "‰")):
        value, inside, rest = read_amount(text[:-1])
        if rest:
            raise NormaliseError(f"cannot read the percentage {text!r}")
        return value / (100 if text.endswith("%") else 1000), inside
    if text in HALF_WORDS:
        return Decimal("0.5"), None
    if fraction := FRACTION_RE.fullmatch(text):
        value, inside, rest = read_amount(fraction.group("num"))
        denominator = bare_number(fraction.group("den"))
        if rest or not denominator:
            raise NormaliseError(f"cannot read the fraction {text!r}")
        return value / denominator, inside
    if slash := SLASH_FRACTION_RE.fullmatch(text):
        denominator = Decimal(slash.group("den"))
        if not denominator:
            raise NormaliseError(f"cannot read the fraction {text!r}")
        return Decimal(slash.group("num")) / denominator, None
    if tenths := TENTHS_RE.fullmatch(text):
        value = bare_number(tenths.group("n")) + (Decimal("0.5") if tenths.group("half") else 0)
        return value / 10, "more_than" if tenths.group("a") else None
    return None


def read_times(text: str) -> tuple[Decimal, str | None] | None:
    """A multiple (3.01倍, 两倍多, 两倍半), with the qualifier words inside give it."""
    times = TIMES_RE.fullmatch(text)
    if not times:
        return None
    value, inside, rest = read_amount(times.group("n"))
    if rest:
        raise NormaliseError(f"cannot read the multiple {text!r}")
    value += Decimal("0.5") if times.group("half") else 0
    return value, "more_than" if times.group("a") or times.group("b") else inside


def normalise_rate(text: str, before: str, after: str) -> Normalised:
    """A change: sign from the direction word, basis from 同比/环比, the multiples rule."""
    sign = direction_sign(before)
    bases = BASIS_RE.findall(before)
    basis = bases[-1] if bases else None
    qualifier = _context_qualifier(before, after) or "exact"
    if points := POINTS_RE.fullmatch(text):
        value, inside, rest = read_amount(points.group("n"))
        if rest:
            raise NormaliseError(f"cannot read the percentage points {text!r}")
        return Normalised(to_number(sign * value), "percentage_point", inside or qualifier, basis)
    if times := read_times(text):
        value, inside = times
        if TIMES_OF_RE.search(before.rstrip()):
            value -= 1
        return Normalised(to_number(sign * value), "ratio", inside or qualifier, basis)
    if share := read_share(text):
        value, inside = share
        if SHARE_OF_EARLIER_RE.search(before.rstrip()):
            # 是去年同期的80%: the figure is 80% of the earlier one, a change of −20% (as 是…的N倍 is +(N−1))
            return Normalised(to_number(value - 1), "ratio", inside or qualifier, basis)
        return Normalised(to_number(sign * value), "ratio", inside or qualifier, basis)
    amount = normalise_amount(text, "RATE", before, after)
    signed = None if amount.value is None else to_number(sign * Decimal(str(amount.value)))
    return Normalised(signed, amount.unit, amount.qualifier, basis, currency=amount.currency)


def normalise_percent(text: str, before: str, after: str) -> Normalised:
    """A level: 60.72% → 0.6072, 三成 → 0.3, 一半 → 0.5, 千分之三 → 0.003, 3/4 → 0.75."""
    qualifier = _context_qualifier(before, after) or "exact"
    share = read_share(text) or read_times(text)
    if share is None:
        raise NormaliseError(f"cannot read the percentage {text!r}")
    value, inside = share
    return Normalised(to_number(value), "ratio", inside or qualifier)


def _normalise_one(text: str, label: str, before: str, after: str) -> Normalised:
    if label == "RATE":
        return normalise_rate(text, before, after)
    if label == "PERCENT":
        return normalise_percent(text, before, after)
    return normalise_amount(text, label, before, after)


# ---------------------------------------------------------------------------
# Ranges


def _low_end_readings(low: str, high: str) -> list[str]:
    """The ways to read a low end that has no unit of its own, in order; the first that is not
    above the high end is taken. A single digit takes the unit after the high end's first digit
    with its magnitude (三至五千万 → 三千万, 三到四千 → 三千, 五~6百 → 五百; not a bare 十:
    三到四十 is 3 to 40); a number without 万/亿 takes the 万/亿 that ends the high end
    (20至50万 → 20万, 三十至五十万 → 三十万); else the number as written (5000至1万 → 5000).
    The unit or currency of the high end is always borrowed (1.5万到2万美元)."""
    low_number, _, low_rest = split_figure(low.lstrip("".join(SIGNS)))
    if low_rest or not low_number:
        return [low]
    high_number, _, high_rest = split_figure(high.lstrip("".join(SIGNS)))
    if any(ch in MAGNITUDES for ch in low_number):  # 1.5万到2万美元
        return [low + high_rest]
    magnitude = re.search(r"[万亿]*$", high_number).group()  # type: ignore[union-attr]
    readings = []
    lead = re.match(rf"[{DIGITS}](?P<unit>[十百千])", high_number)
    if lead and _is_single_digit(low_number) and (lead.group("unit") != "十" or magnitude):
        readings.append(low + lead.group("unit") + magnitude + high_rest)
    if magnitude:
        readings.append(low + magnitude + high_rest)
    return readings + [low + high_rest]


def range_ends(text: str) -> tuple[str, str] | None:
    """The two ends of a range written with a separator (3至5人, 2万元--8万元) or with two
    numerals side by side (六七亿 → 六亿, 七亿; 十七八万 → 十七万, 十八万)."""
    if ranged := RANGE_RE.fullmatch(text):
        return ranged.group("low"), ranged.group("high")
    numerals = NUMERAL_RUN_RE.match(text)
    pair = ADJACENT_RE.search(text, 0, numerals.end() if numerals else 0)
    if not pair:
        return None
    head, tail = text[: pair.start()], text[pair.end() :]
    return head + pair.group()[0] + tail, head + pair.group()[1] + tail


def normalise_range(low: str, high: str, label: str, before: str, after: str) -> Normalised:
    """A range: both ends read alike, the low end completed from the high end where it has no
    unit; the ends must agree in unit and come in order (by the direction of a rate)."""
    top = _normalise_one(high, label, before, after)
    direction = direction_sign(before) if label == "RATE" else 1
    problem = f"the low end of {low}…{high} is above its high end"
    for reading in _low_end_readings(low, high):
        try:
            bottom = _normalise_one(reading, label, before, after)
        except NormaliseError as err:
            problem = str(err)
            continue
        if (bottom.unit, bottom.currency) != (top.unit, top.currency):
            problem = f"the ends of {low}…{high} are in different units"
        elif bottom.value is not None and top.value is not None and bottom.value * direction <= top.value * direction:
            return Normalised(bottom.value, top.unit, "range", top.basis, top.value, currency=top.currency)
    raise NormaliseError(problem)


def normalise(text: str, label: str, before: str = "", after: str = "") -> Normalised:
    """Normalise one span given the text just before and after it. Never raises: a span
    that cannot be read comes back with value None and the reason in `error`."""
    try:
        with localcontext(prec=PRECISION):
            return _normalise_span(text, label, before, after)
    except (NormaliseError, InvalidOperation, ArithmeticError, ValueError, KeyError, IndexError) as err:
        return Normalised(None, None, None, error=str(err) or type(err).__name__)


def _normalise_span(text: str, label: str, before: str, after: str) -> Normalised:
    """Normalise one span; raises NormaliseError (or a ValueError of Decimal) when it cannot."""
    text, before, after = peel(clean(text), label, clean(before[-CONTEXT_LENGTH:]), clean(after[:CONTEXT_LENGTH]))
    before, after = before[-CONTEXT_LENGTH:], after[:CONTEXT_LENGTH]
    if label == "MONEY":
        text = LATIN_MAGNITUDE_RE.sub(lambda m: LATIN_MAGNITUDES[m.group()], text)
    ends = range_ends(text)
    if ends is None:
        return _normalise_one(text, label, before, after)
    return normalise_range(ends[0], ends[1], label, before, after)


class FigureNormaliser:
    """Sets value, unit, qualifier, currency (and basis on rates) on every figure entity."""

    def __init__(self, labels: Iterable[str] = VALUE_LABELS, window: int = 12) -> None:
        self.labels = tuple(labels)
        self.window = window

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        ents = doc.ents
        rate_starts = {ent.end_char: ent.start_char for ent in ents if ent.label_ == "RATE"}
        for ent in ents:
            if ent.label_ not in self.labels:
                continue
            after = text[ent.end_char : ent.end_char + self.window]
            if ent.label_ == "RATE":
                before = rate_context(text, ent.start_char, rate_starts)
            else:
                before = text[max(0, ent.start_char - self.window) : ent.start_char]
            result = normalise(text[ent.start_char : ent.end_char], ent.label_, before, after)
            attrs = ent._  # one accessor for the seven attributes
            attrs.value = result.value
            attrs.value_max = result.value_max
            attrs.unit = result.unit
            attrs.qualifier = result.qualifier
            attrs.basis = result.basis
            attrs.currency = result.currency
            attrs.value_error = result.error
        return doc


@Language.factory(
    "figure_normaliser",
    requires=["doc.ents"],
    assigns=[f"span._.{attr}" for attr in SPAN_ATTRS],
    default_config={"labels": list(VALUE_LABELS), "window": 12},
)
def make_figure_normaliser(nlp: Language, name: str, labels: list[str], window: int) -> FigureNormaliser:
    """Reads the value, unit, qualifier and currency of MONEY, COUNT, PERCENT and RATE entities."""
    return FigureNormaliser(labels, window)
