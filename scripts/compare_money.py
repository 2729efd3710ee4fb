"""Compare the figure normaliser with JioNLP's `parse_money` on gold MONEY spans.

Development-only: `pip install jionlp`, then
    python scripts/compare_money.py corpus/dev.jsonl ../shared/data/dev.jsonl --output docs/money_comparison.md
Each gold MONEY span that carries a reviewed value is given to both: our normaliser with the
words around it, JioNLP with the span text (and a currency named just before it). A result
agrees when value and unit equal the gold ones.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from zh_metrics.corpus.jsonl import read_jsonl_lines
from zh_metrics.files import write_atomic
from zh_metrics.pipeline.normalise import normalise
from zh_metrics.pipeline.vocabulary import CURRENCIES

JIO_UNITS = {
    "元": "元",
    "人民币": "元",
    "美元": "美元",
    "港元": "港元",
    "港币": "港元",
    "欧元": "欧元",
    "日元": "日元",
    "英镑": "英镑",
}


def gold_money(path: str):
    for _, task in read_jsonl_lines(path):
        text = task["text"]
        for span in task["spans"]:
            if span["label"] == "MONEY":
                yield text, span


def jionlp_money(jio, span_text: str, before: str) -> tuple[float | None, str | None]:
    currency = next((c for c in CURRENCIES if before.rstrip().endswith(c)), "")
    try:
        parsed = jio.parse_money(currency + span_text)
    except Exception as err:  # JioNLP raises a variety of errors on what it cannot read
        return None, f"error: {type(err).__name__}"
    if isinstance(parsed, dict) and parsed.get("num") is not None:
        num = parsed["num"]
        if isinstance(num, (list, tuple)):  # a blurred amount (余, 多) comes as a range: its low end
            num = num[0]
        try:
            return float(num), JIO_UNITS.get(parsed.get("case"), parsed.get("case"))
        except (TypeError, ValueError):
            return None, str(parsed.get("case"))
    return None, None


def same(value, unit, gold_value, gold_unit) -> bool:
    return value is not None and math.isclose(value, gold_value, rel_tol=1e-9) and unit == gold_unit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    import jionlp as jio

    lines = [
        "| gold file | MONEY spans with a value | zh-metrics agrees | JioNLP parse_money agrees |",
        "|---|---|---|---|",
    ]
    disagreements = []
    for path in args.files:
        if not Path(path).exists():
            print(f"{path}: not found, skipped")
            continue
        n = ours_ok = jio_ok = 0
        for text, span in gold_money(path):
            if span.get("value") is None:
                continue
            s, e = span["start"], span["end"]
            before, after = text[max(0, s - 12) : s], text[e : e + 12]
            n += 1
            ours = normalise(text[s:e], "MONEY", before, after)
            jio_value, jio_unit = jionlp_money(jio, text[s:e], before)
            ok_ours = same(ours.value, ours.unit, span["value"], span["unit"])
            ok_jio = same(jio_value, jio_unit, span["value"], span["unit"])
            ours_ok += ok_ours
            jio_ok += ok_jio
            if not (ok_ours and ok_jio):
                disagreements.append(
                    f"| {Path(path).name} | {text[s:e]} | {span['value']} {span['unit']} | "
                    f"{ours.value} {ours.unit} | {jio_value} {jio_unit} |"
                )
        if n:
            lines.append(f"| {path} | {n} | {ours_ok} ({ours_ok / n:.1%}) | {jio_ok} ({jio_ok / n:.1%}) |")
    report = "\n".join(lines)
    if disagreements:
        report += "\n\nSpans where at least one disagrees with the gold value:\n\n| file | span | gold | zh-metrics | JioNLP |\n|---|---|---|---|---|\n"
        report += "\n".join(disagreements)
    print(report)
    if args.output:
        write_atomic(args.output, report + "\n")


if __name__ == "__main__":
    main()
