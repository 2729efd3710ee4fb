"""Generated figures through the normaliser: the value read is the value generated, or there is
a value_error; nothing raises.

The figures are written here, independently of the normaliser: numerals (Arabic with or without
thousands separators and full-width digits, Chinese in simplified, financial and traditional
writing), magnitudes, units and currencies, qualifier words inside the span, before or after
it, ranges, sub-units of money, shares and rates. Every expected value is computed from the
generated number, never from the normaliser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from zh_metrics.pipeline.normalise import normalise

SIMPLE = "零一二三四五六七八九"
FINANCIAL = "零壹贰叁肆伍陆柒捌玖"
FINANCIAL_TRADITIONAL = "零壹貳參肆伍陸柒捌玖"
SMALL = {"plain": ["", "十", "百", "千"], "financial": ["", "拾", "佰", "仟"]}
BIG = {"simplified": ("万", "亿"), "traditional": ("萬", "億")}


@dataclass(frozen=True)
class Writing:
    """How a Chinese numeral is written."""

    digits: str = SIMPLE
    small: tuple[str, ...] = tuple(SMALL["plain"])
    big: tuple[str, str] = BIG["simplified"]
    liang: bool = False  # 两 for a leading 2 before 百/千/万/亿
    bare_ten: bool = False  # 十五 rather than 一十五 at the front


WRITINGS = st.builds(
    Writing,
    digits=st.sampled_from([SIMPLE, FINANCIAL, FINANCIAL_TRADITIONAL]),
    small=st.sampled_from([tuple(SMALL["plain"]), tuple(SMALL["financial"])]),
    big=st.sampled_from(list(BIG.values())),
    liang=st.booleans(),
    bare_ten=st.booleans(),
)


def han(n: int, w: Writing = Writing()) -> str:
    """n (0 ≤ n < 10^16) in Chinese numerals, 零 written for every gap."""

    def section(n: int) -> str:
        out, gap = "", False
        for place in (3, 2, 1, 0):
            d = n // 10**place % 10
            if d == 0:
                gap = gap or bool(out)
                continue
            if gap:
                out, gap = out + w.digits[0], False
            out += w.digits[d] + w.small[place]
        return out

    def whole(n: int) -> str:
        for scale, name, gap in ((10**8, w.big[1], 10**7), (10**4, w.big[0], 10**3)):
            if n >= scale:
                head, rest = divmod(n, scale)
                return whole(head) + name + ((w.digits[0] if rest < gap else "") + whole(rest) if rest else "")
        return section(n)

    out = whole(n) if n else w.digits[0]
    if w.bare_ten and out.startswith(w.digits[1] + w.small[1]):
        out = out[1:]
    if w.liang:
        two = "兩" if w.big == BIG["traditional"] else "两"
        out = re.sub(rf"^{w.digits[2]}(?=[{w.small[2]}{w.small[3]}{w.big[0]}{w.big[1]}])", two, out)
    return out


def arabic(n: Decimal, separators: bool, full_width: bool) -> str:
    text = f"{n:,}" if separators else f"{n}"
    return text.translate(str.maketrans("0123456789.,", "０１２３４５６７８９．，")) if full_width else text


@dataclass(frozen=True)
class Case:
    label: str
    text: str
    value: Decimal | None  # None: the normaliser must say why it has no value
    unit: str | None = None
    qualifier: str | None = "exact"
    value_max: Decimal | None = None
    currency: str | None = None
    before: str = ""
    after: str = ""
    basis: str | None = None


# measure words (as written, as the unit); money names (as written, unit, code)
MEASURES = [
    ("起", "起"),
    ("人", "人"),
    ("件", "件"),
    ("人次", "人次"),
    ("家", "家"),
    ("吨", "吨"),
    ("個", "个"),
    ("", ""),
]
MONEY = [
    ("元", "元", "CNY"),
    ("元人民币", "元", "CNY"),
    ("人民币", "元", "CNY"),
    ("美元", "美元", "USD"),
    ("美金", "美元", "USD"),
    ("港元", "港元", "HKD"),
    ("港币", "港元", "HKD"),
    ("港幣", "港元", "HKD"),
    ("欧元", "欧元", "EUR"),
    ("歐元", "欧元", "EUR"),
    ("日元", "日元", "JPY"),
    ("英镑", "英镑", "GBP"),
    ("新台币", "新台币", "TWD"),
    ("台币", "新台币", "TWD"),
    ("新臺幣", "新台币", "TWD"),
    ("越南盾", "越南盾", "VND"),
    ("林吉特", "林吉特", "MYR"),
    ("澳门元", "澳门元", "MOP"),
]
UNKNOWN_MONEY = ["比索", "第纳尔", "克朗", "里拉", "兹罗提"]
BEFORE = [
    ("约", "about"),
    ("大约", "about"),
    ("約", "about"),
    ("近", "less_than"),
    ("将近", "less_than"),
    ("不到", "less_than"),
    ("不足", "less_than"),
    ("小于", "less_than"),
    ("低于", "less_than"),
    ("少于", "less_than"),
    ("不超过", "less_than"),
    ("超过", "more_than"),
    ("超過", "more_than"),
    ("逾", "more_than"),
    ("不少于", "more_than"),
    ("至少", "more_than"),
]
AFTER = [
    ("以上", "more_than"),
    ("（含）以上", "more_than"),
    ("(含)以上", "more_than"),
    ("左右", "about"),
    ("上下", "about"),
    ("以下", "less_than"),
    ("以内", "less_than"),
]
SEPARATORS = ["至", "到", "~", "～", "-", "--", "—", "——", "－"]
MAGNITUDES = {"": 1, "万": 10**4, "亿": 10**8, "万亿": 10**12}
TRADITIONAL_MAGNITUDES = {"万": "萬", "亿": "億", "万亿": "萬億"}


@st.composite
def numbers(draw, decimals: bool = True) -> tuple[str, Decimal]:
    """A number without magnitude, in any writing, with its value."""
    if draw(st.booleans()):
        n = draw(st.integers(0, 10**12 - 1))
        return han(n, draw(WRITINGS)), Decimal(n)
    places = draw(st.integers(0, 3)) if decimals else 0
    n = Decimal(draw(st.integers(0, 10**9))).scaleb(-places)
    return arabic(n, draw(st.booleans()), draw(st.booleans())), n


@st.composite
def magnitudes(draw, traditional: bool) -> tuple[str, int]:
    name = draw(st.sampled_from(list(MAGNITUDES)))
    return (TRADITIONAL_MAGNITUDES.get(name, name) if traditional else name), MAGNITUDES[name]


@st.composite
def mantissas(draw) -> tuple[str, Decimal, bool]:
    """A number to put before a magnitude: below 10^4 (or a decimal), in any writing."""
    if draw(st.booleans()):
        w = draw(WRITINGS)
        n = draw(st.integers(1, 9999))
        if draw(st.booleans()):  # 七点四, 一千二百三十四点五六
            fraction = draw(st.text(alphabet="0123456789", min_size=1, max_size=3))
            point = "點" if w.big == BIG["traditional"] else "点"
            digits = "".join(w.digits[int(d)] for d in fraction)
            return han(n, w) + point + digits, Decimal(f"{n}.{fraction}"), w.big == BIG["traditional"]
        return han(n, w), Decimal(n), w.big == BIG["traditional"]
    n = Decimal(draw(st.integers(1, 999999))).scaleb(-draw(st.integers(0, 2)))
    return arabic(n, False, draw(st.booleans())), n, draw(st.booleans())


@st.composite
def amounts(draw) -> tuple[str, Decimal]:
    """A number with or without a magnitude, mixed magnitudes included (1亿5000万, 三万五)."""
    form = draw(st.sampled_from(["plain", "magnitude", "mixed", "colloquial"]))
    if form == "plain":
        return draw(numbers())
    if form == "magnitude":
        text, n, traditional = draw(mantissas())
        name, scale = draw(magnitudes(traditional))
        return text + name, n * scale
    if form == "mixed":  # 1亿5000万, 3万2500
        high, low = draw(st.integers(1, 9999)), draw(st.integers(1000, 9999))
        big = draw(st.sampled_from([("亿", "万", 10**8, 10**4), ("万", "", 10**4, 1)]))
        return f"{high}{big[0]}{low}{big[1]}", Decimal(high * big[2] + low * big[3])
    w = draw(WRITINGS)  # 三万五 = 35000, 一百五 = 150
    d1, d2 = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    unit, scale = draw(st.sampled_from([(w.big[0], 10**4), (w.small[2], 100), (w.small[3], 1000)]))
    return f"{w.digits[d1]}{unit}{w.digits[d2]}", Decimal(d1 * scale + d2 * scale // 10)


@st.composite
def units(draw, label: str) -> tuple[str, str, str | None]:
    if label == "MONEY":
        return draw(st.sampled_from(MONEY))
    written, unit = draw(st.sampled_from(MEASURES))
    return written, unit, None


@st.composite
def qualified(draw, case: Case) -> Case:
    """The case with a qualifier word before or after, in the context or inside the span."""
    where = draw(st.sampled_from(["none", "before", "after"]))
    if where == "none":
        return case
    inside = draw(st.booleans())
    if where == "before":
        word, qualifier = draw(st.sampled_from(BEFORE))
        if inside:
            return Case(**{**case.__dict__, "text": word + case.text, "qualifier": qualifier})
        return Case(**{**case.__dict__, "before": case.before + word, "qualifier": qualifier})
    word, qualifier = draw(st.sampled_from(AFTER))
    if inside:
        return Case(**{**case.__dict__, "text": case.text + word, "qualifier": qualifier})
    return Case(**{**case.__dict__, "after": word + case.after, "qualifier": qualifier})


@st.composite
def single_figures(draw) -> Case:
    label = draw(st.sampled_from(["MONEY", "COUNT"]))
    number, value = draw(amounts())
    written, unit, currency = draw(units(label))
    return draw(qualified(Case(label, number + written, value, unit, currency=currency)))


@st.composite
def approximate_figures(draw) -> Case:
    """余/多 inside (3000余万元, 三千多万元), 几 inside (三十几万), 来 after a unit (二十来人)."""
    label = draw(st.sampled_from(["MONEY", "COUNT"]))
    written, unit, currency = draw(units(label))
    form = draw(st.sampled_from(["余", "几", "来"]))
    w = draw(WRITINGS)
    name, scale = draw(st.sampled_from([("", 1), ("万", 10**4), ("亿", 10**8)]))
    if form == "余":
        word = draw(st.sampled_from(["余", "多", "餘"]))
        number, n, _ = draw(mantissas())
        text = draw(st.sampled_from([number + word + name, number + name + word]))
        return Case(label, text + written, n * scale, unit, "more_than", currency=currency)
    tens = draw(st.integers(1, 9))
    if form == "几":  # 十几, 三十几万, 一百几十
        if draw(st.booleans()):
            text, n = ("" if tens == 1 else w.digits[tens]) + w.small[1] + "几", tens * 10
        else:
            text, n = w.digits[tens] + w.small[2] + "几" + w.small[1], tens * 100
        return Case(label, text + name + written, Decimal(n * scale), unit, "more_than", currency=currency)
    text = w.digits[tens] + w.small[1] + name + "来"
    return Case(label, text + written, Decimal(tens * 10 * scale), unit, "about", currency=currency)


@st.composite
def ranges(draw) -> Case:
    """Two ends, each complete, or the low end short of the magnitude and unit it shares."""
    label = draw(st.sampled_from(["MONEY", "COUNT"]))
    written, unit, currency = draw(units(label))
    separator = draw(st.sampled_from(SEPARATORS))
    form = draw(st.sampled_from(["complete", "shared magnitude", "shared unit", "adjacent"]))
    if form == "adjacent":  # 六七亿, 两三百, 十七八万
        d = draw(st.integers(1, 8))
        w = draw(WRITINGS.filter(lambda w: w.digits == SIMPLE))
        small, small_scale = draw(st.sampled_from([("", 1), ("十", 10), ("百", 100), ("千", 1000)]))
        name, scale = draw(st.sampled_from([("", 1), (w.big[0], 10**4), (w.big[1], 10**8)]))
        assume(small or name or written)
        pair = "两三" if d == 2 and draw(st.booleans()) else SIMPLE[d] + SIMPLE[d + 1]
        teen = draw(st.booleans()) and not small
        low, high = (10 + d if teen else d), (10 + d + 1 if teen else d + 1)
        text = ("十" if teen else "") + pair + small + name + written
        scale *= small_scale
        return Case(label, text, Decimal(low * scale), unit, "range", Decimal(high * scale), currency)
    if form == "shared unit":  # 三到四千, 5~6百
        d = draw(st.integers(1, 8))
        e = draw(st.integers(d + 1, 9))
        small, small_scale = draw(st.sampled_from([("百", 100), ("千", 1000)]))
        name, scale = draw(st.sampled_from([("", 1), ("万", 10**4), ("亿", 10**8)]))
        write = draw(st.sampled_from([lambda n: SIMPLE[n], str]))
        text = f"{write(d)}{separator}{write(e)}{small}{name}{written}"
        scale *= small_scale
        return Case(label, text, Decimal(d * scale), unit, "range", Decimal(e * scale), currency)
    if form == "shared magnitude":  # 20至50万元, 三十到五十万: both ends written alike
        name, scale = draw(st.sampled_from([("万", 10**4), ("亿", 10**8), ("万亿", 10**12)]))
        low = draw(st.integers(10, 9998))
        high = draw(st.integers(low + 1, 9999))
        assume(len(str(low)) == len(str(high)))
        w = draw(WRITINGS)
        write = draw(st.sampled_from([lambda n: han(n, w), str]))
        text = f"{write(low)}{separator}{write(high)}{name}{written}"
        return Case(label, text, Decimal(low * scale), unit, "range", Decimal(high * scale), currency)
    (low_text, low), (high_text, high) = draw(amounts()), draw(amounts())
    assume(low < high and written)
    # a low end with its own magnitude may leave the unit to the high end (1.5万到2万美元)
    low_unit = "" if re.search("[万亿萬億]", low_text) and draw(st.booleans()) else written
    return Case(label, f"{low_text}{low_unit}{separator}{high_text}{written}", low, unit, "range", high, currency)


@st.composite
def money_with_subunits(draw) -> Case:
    """256元3角5分, 贰拾叁元肆角, 二十块五毛, 伍角陆分, 12元零5分."""
    yuan = draw(st.integers(0, 99999))
    jiao, fen = draw(st.integers(0, 9)), draw(st.integers(0, 9))
    assume(jiao or fen)
    w = draw(WRITINGS)
    write = draw(st.sampled_from([lambda n: han(n, w), str]))
    digit = draw(st.sampled_from([lambda n: w.digits[n], str]))
    main = "" if not yuan else write(yuan) + draw(st.sampled_from(["元", "块", "圆"]))
    jiao_text = f"{digit(jiao)}{draw(st.sampled_from(['角', '毛']))}" if jiao else ""
    fen_text = f"{'零' if main and not jiao and draw(st.booleans()) else ''}{digit(fen)}分" if fen else ""
    value = Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100
    return Case("MONEY", main + jiao_text + fen_text, value, "元", currency="CNY")


@st.composite
def currencies_before(draw) -> Case:
    """欧元464.6万元: a currency named before a span that says only 元."""
    written, unit, code = draw(st.sampled_from([m for m in MONEY if m[0] not in ("元", "元人民币")]))
    number, value = draw(amounts())
    return Case("MONEY", number + "元", value, unit, currency=code, before="折合" + written)


@st.composite
def unknown_currencies(draw) -> Case:
    number, _ = draw(amounts())
    return Case("MONEY", number + draw(st.sampled_from(UNKNOWN_MONEY)), None)


@st.composite
def shares(draw) -> Case:
    """Levels and changes: N%, 百分之N, N‰, N成, X分之Y, a/b, N个百分点, with direction and basis."""
    label = draw(st.sampled_from(["PERCENT", "RATE"]))
    w = draw(WRITINGS.filter(lambda w: w.small[2] == "百"))
    form = draw(st.sampled_from(["%", "百分之", "‰", "成", "分之", "/", "个百分点"]))
    n = draw(st.integers(0, 999))
    places = draw(st.integers(0, 2))
    x = Decimal(n).scaleb(-places)
    sign_written = draw(st.sampled_from(["", "-", "+"])) if form in ("%", "/") else ""
    if form == "%":
        text, value = arabic(x, False, draw(st.booleans())) + "%", x / 100
    elif form == "‰":
        text, value = f"{x}‰", x / 1000
    elif form == "百分之":
        text, value = "百分之" + han(n, w), Decimal(n) / 100
    elif form == "成":
        tenths = draw(st.integers(1, 9))
        text, value = w.digits[tenths] + "成", Decimal(tenths) / 10
    elif form == "分之":
        den = draw(st.integers(2, 10))
        num = draw(st.integers(1, den - 1))
        text, value = f"{han(den, w)}分之{han(num, w)}", Decimal(num) / den
    elif form == "/":
        den = draw(st.integers(2, 100))
        num = draw(st.integers(1, den))
        text, value = f"{num}/{den}", Decimal(num) / den
    else:
        assume(label == "RATE")
        text, value = f"{x}个百分点", x
    value = -value if sign_written == "-" else value
    unit = "percentage_point" if form == "个百分点" else "ratio"
    if label == "PERCENT":
        return Case(label, sign_written + text, value, unit)
    direction, sign = draw(st.sampled_from([("上升", 1), ("增长", 1), ("提高", 1), ("下降", -1), ("减少", -1)]))
    basis = draw(st.sampled_from(["同比", "环比", "较上年"]))
    expected_basis = None if basis == "较上年" else basis
    return Case(label, sign_written + text, sign * value, unit, before=basis + direction, basis=expected_basis)


@st.composite
def refused(draw) -> Case:
    """Forms with no single reading: the normaliser must say so."""
    w = draw(WRITINGS)
    form = draw(st.sampled_from(["亿 gap", "decimal then more", "reversed range", "vague", "units out of order"]))
    if form == "亿 gap":  # 一亿五千: 100,005,000 or 1.5亿 with 万 left out?
        high, low = w.digits[draw(st.integers(1, 9))], w.digits[draw(st.integers(1, 9))]
        return Case("COUNT", f"{high}{w.big[1]}{low}{w.small[3]}", None)
    if form == "decimal then more":
        return Case("COUNT", f"{draw(st.integers(1, 99))}.5{w.big[0]}{draw(st.integers(1000, 9999))}", None)
    if form == "reversed range":
        high = draw(st.integers(1, 9999))
        low = draw(st.integers(high + 1, 10**5))
        return Case("COUNT", f"{low}人{draw(st.sampled_from(SEPARATORS))}{high}人", None)
    if form == "vague":
        return Case("MONEY", draw(st.sampled_from(["数", "几", "若干", "上"])) + w.small[2] + w.big[0] + "元", None)
    return Case("COUNT", f"{w.digits[draw(st.integers(1, 9))]}{w.small[1]}{w.digits[1]}{w.small[2]}", None)


CASES = st.one_of(
    single_figures(),
    approximate_figures(),
    ranges(),
    money_with_subunits(),
    currencies_before(),
    unknown_currencies(),
    shares(),
    refused(),
)


def check(case: Case) -> None:
    result = normalise(case.text, case.label, case.before, case.after)
    if case.value is None:
        assert result.value is None and result.error, (case, result)
        return
    assert result.error is None, (case, result.error)
    assert result.value == pytest.approx(float(case.value), rel=1e-12, abs=1e-15), (case, result)
    if case.value == case.value.to_integral_value() and abs(case.value) < 10**15:
        assert isinstance(result.value, int), (case, result)
    expected_max = None if case.value_max is None else pytest.approx(float(case.value_max), rel=1e-12)
    assert result.value_max == expected_max, (case, result)
    assert (result.unit, result.qualifier, result.currency) == (case.unit, case.qualifier, case.currency), (
        case,
        result,
    )
    if case.label == "RATE":
        assert result.basis == case.basis, (case, result)


@settings(max_examples=1500, deadline=None)
@given(CASES)
def test_generated_figures_read_as_generated_or_refused(case):
    check(case)


@settings(max_examples=500, deadline=None)
@given(CASES, st.data())
def test_damaged_figures_never_raise(case, data):
    """A generated figure with a character inserted or dropped: no exception, and a value or a reason."""
    text = case.text
    at = data.draw(st.integers(0, len(text)))
    if data.draw(st.booleans()) and text:
        text = text[:at] + text[at + 1 :]
    else:
        text = text[:at] + data.draw(st.sampled_from(list("0.,万亿千百十零一两几余多至-~%分之角元半个"))) + text[at:]
    result = normalise(text, case.label, case.before, case.after)
    assert (result.value is None) == (result.error is not None)


@pytest.mark.parametrize(
    "n,text",
    [
        (10, "一十"),
        (15, "一十五"),
        (105, "一百零五"),
        (1010, "一千零一十"),
        (10500, "一万零五百"),
        (100000001, "一亿零一"),
        (150006355, "一亿五千万六千三百五十五"),
        (150000355, "一亿五千万零三百五十五"),
        (1200000000000, "一万二千亿"),
        (100010001001, "一千亿一千万一千零一"),
    ],
)
def test_the_writer_writes_chinese_numerals(n, text):
    """The generator's own writer, checked against hand-written numerals."""
    assert han(n) == text
