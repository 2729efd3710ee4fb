"""Compare the figure normaliser with JioNLP's `parse_money` on money amounts.

Development-only: `pip install jionlp`, then
    python scripts/compare_money.py ../shared/data/dev.jsonl ../shared/data/seed.jsonl --output money.md
Two comparisons. (1) Each gold MONEY span of the files that carries a reviewed value is given
to both: our normaliser with the words around it, JioNLP with the span text (and a currency
named just before it); a result agrees when value and unit equal the gold ones. (2) The forms
the real reports rarely use (ranges, sub-units, currencies, mixed magnitudes) from the table
below, our own examples with values written by hand; a range agrees when both ends agree, and
a currency we do not know agrees when no value is returned.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zh_metrics.corpus.jsonl import read_jsonl_lines
from zh_metrics.files import write_atomic
from zh_metrics.pipeline.normalise import canonical_currency, currency_name, normalise
from zh_metrics.pipeline.vocabulary import DEFAULT_CURRENCY_NAMES

# (kind, text before, span, value, value_max, unit); value None: no value may be returned
CASES: list[tuple[str, str, str, float | None, float | None, str | None]] = [
    ("ranges", "", "5000至1万元", 5000, 10000, "元"),
    ("ranges", "", "三到四千元", 3000, 4000, "元"),
    ("ranges", "", "五~6百元", 500, 600, "元"),
    ("ranges", "", "20至50万元", 200000, 500000, "元"),
    ("ranges", "", "三十至五十万元", 300000, 500000, "元"),
    ("ranges", "", "三至五千万元", 30000000, 50000000, "元"),
    ("ranges", "", "八至十二亿元", 800000000, 1200000000, "元"),
    ("ranges", "", "2万元--8万元", 20000, 80000, "元"),
    ("ranges", "", "2万元——8万元", 20000, 80000, "元"),
    ("ranges", "", "2万～8万元", 20000, 80000, "元"),
    ("ranges", "", "1.5万到2万美元", 15000, 20000, "美元"),
    ("ranges", "", "六七亿元", 600000000, 700000000, "元"),
    ("ranges", "", "两三百元", 200, 300, "元"),
    ("ranges", "", "五六千元", 5000, 6000, "元"),
    ("ranges", "", "六七十万元", 600000, 700000, "元"),
    ("sub-units", "", "256元3角5分", 256.35, None, "元"),
    ("sub-units", "", "二十块五毛", 20.5, None, "元"),
    ("sub-units", "", "贰拾叁元肆角", 23.4, None, "元"),
    ("sub-units", "", "伍角陆分", 0.56, None, "元"),
    ("sub-units", "", "12元零5分", 12.05, None, "元"),
    ("sub-units", "", "7元8角", 7.8, None, "元"),
    ("sub-units", "", "三毛五", 0.35, None, "元"),
    ("sub-units", "", "五毛钱", 0.5, None, "元"),
    ("sub-units", "", "一百二十三块四毛五", 123.45, None, "元"),
    ("sub-units", "", "壹仟贰佰元整", 1200, None, "元"),
    ("currencies", "", "5000万越南盾", 50000000, None, "越南盾"),
    ("currencies", "", "12万林吉特", 120000, None, "林吉特"),
    ("currencies", "", "8万美金", 80000, None, "美元"),
    ("currencies", "", "300万台币", 3000000, None, "新台币"),
    ("currencies", "", "45万港币", 450000, None, "港元"),
    ("currencies", "", "1.5亿日元", 150000000, None, "日元"),
    ("currencies", "", "600万欧元", 6000000, None, "欧元"),
    ("currencies", "", "20万英镑", 200000, None, "英镑"),
    ("currencies", "", "3亿韩元", 300000000, None, "韩元"),
    ("currencies", "", "50万新加坡元", 500000, None, "新加坡元"),
    ("currencies", "", "80万泰铢", 800000, None, "泰铢"),
    ("currencies", "英镑", "30万元", 300000, None, "英镑"),
    ("currencies", "", "6亿元人民币", 600000000, None, "元"),
    ("currencies", "", "300万比索", None, None, None),
    ("currencies", "", "40万第纳尔", None, None, None),
    ("mixed magnitudes", "", "1亿5000万元", 150000000, None, "元"),
    ("mixed magnitudes", "", "一亿五千万元", 150000000, None, "元"),
    ("mixed magnitudes", "", "两亿三千万元", 230000000, None, "元"),
    ("mixed magnitudes", "", "3亿零50万元", 300500000, None, "元"),
    ("mixed magnitudes", "", "1万2千元", 12000, None, "元"),
    ("mixed magnitudes", "", "三个亿", 300000000, None, "元"),
    ("mixed magnitudes", "", "伍佰陆拾萬元", 5600000, None, "元"),
    ("mixed magnitudes", "", "三十几万元", 300000, None, "元"),
]


def gold_money(path: str) -> Iterator[tuple[str, str, float, str]]:
    """(text before, span text, gold value, gold unit) of every MONEY span with a value."""
    for _, task in read_jsonl_lines(path):
        text = task["text"]
        for span in task["spans"]:
            if span["label"] == "MONEY" and span.get("value") is not None:
                s, e = span["start"], span["end"]
                yield text[max(0, s - 12) : s], text[s:e], span["value"], span["unit"]


def jionlp_money(jio: Any, span_text: str, before: str) -> tuple[float | None, float | None, str | None]:
    """JioNLP's value (the low end of a blurred amount), high end of a range, and unit."""
    named = currency_name(before.rstrip(), at_end=True)
    currency = named if named and named not in DEFAULT_CURRENCY_NAMES else ""
    try:
        parsed = jio.parse_money(currency + span_text)
    except Exception:  # JioNLP raises a variety of errors on what it cannot read
        return None, None, None
    if not isinstance(parsed, dict) or parsed.get("num") is None:
        return None, None, None
    num, case = parsed["num"], parsed.get("case")
    unit = canonical_currency(case) if isinstance(case, str) else None
    try:
        if isinstance(num, list | tuple):  # a blurred amount (余, 多) or a range
            return float(num[0]), float(num[1]), unit
        return float(num), None, unit
    except (TypeError, ValueError, IndexError):
        return None, None, unit


def close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9)


def agrees(value, value_max, unit, gold_value, gold_max, gold_unit, blurred_high: bool = False) -> bool:
    """Value and unit as gold; a gold range needs both ends. `blurred_high`: the high end of a
    non-range reading is JioNLP's way of writing 余/多, not a range, and is not held against it."""
    if gold_value is None:
        return value is None
    if not (close(value, gold_value) and unit == gold_unit):
        return False
    if gold_max is not None:
        return close(value_max, gold_max)
    return value_max is None or blurred_high


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    import jionlp as jio

    lines = [
        "| cases | with a value | zh-metrics agrees | JioNLP parse_money agrees |",
        "|---|---|---|---|",
    ]
    disagreements = []

    def compare(name: str, rows: list[tuple[str, str, float | None, float | None, str | None]]) -> None:
        ours_ok = jio_ok = 0
        for before, span, gold_value, gold_max, gold_unit in rows:
            ours = normalise(span, "MONEY", before, "")
            jio_value, jio_max, jio_unit = jionlp_money(jio, span, before)
            ok_ours = agrees(ours.value, ours.value_max, ours.unit, gold_value, gold_max, gold_unit)
            ok_jio = agrees(jio_value, jio_max, jio_unit, gold_value, gold_max, gold_unit, blurred_high=True)
            ours_ok += ok_ours
            jio_ok += ok_jio
            if not (ok_ours and ok_jio):
                gold = f"{gold_value}–{gold_max}" if gold_max is not None else f"{gold_value}"
                mine = f"{ours.value}–{ours.value_max}" if ours.value_max is not None else f"{ours.value}"
                theirs = f"{jio_value}–{jio_max}" if jio_max is not None else f"{jio_value}"
                disagreements.append(
                    f"| {name} | {before}[{span}] | {gold} {gold_unit} | {mine} {ours.unit} | {theirs} {jio_unit} |"
                )
        n = len(rows)
        with_value = sum(row[2] is not None for row in rows)
        lines.append(f"| {name} | {n} ({with_value}) | {ours_ok} ({ours_ok / n:.1%}) | {jio_ok} ({jio_ok / n:.1%}) |")

    for path in args.files:
        if not Path(path).exists():
            print(f"{path}: not found, skipped")
            continue
        rows = [(before, span, value, None, unit) for before, span, value, unit in gold_money(path)]
        if rows:
            compare(path, rows)
    for kind in dict.fromkeys(case[0] for case in CASES):
        compare(kind, [case[1:] for case in CASES if case[0] == kind])
    report = "\n".join(lines)
    if disagreements:
        report += "\n\nCases where at least one disagrees:\n\n| cases | span | expected | zh-metrics | JioNLP |\n|---|---|---|---|---|\n"
        report += "\n".join(disagreements)
    print(report)
    if args.output:
        write_atomic(args.output, report + "\n")


if __name__ == "__main__":
    main()
