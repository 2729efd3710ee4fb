"""The rule-based baseline: regular expressions for every label and "the nearest figure before
the rate in its sentence" for HAS_CHANGE. The report measures the model against it."""

from __future__ import annotations

import re
from typing import Any

from ..corpus.tasks import make_span, make_task
from ..pipeline.vocabulary import FIGURE_HEAD_LABELS, SENTENCE_END

NUM = r"(?:\d[\d,，.．]*|[零〇一二两三四五六七八九十百千]+(?:点[零一二三四五六七八九]+)?)"
AMOUNT = rf"{NUM}(?:余|多)?(?:万亿|万|亿|千|百)?(?:余|多)?"
CURRENCY = r"(?:万亿元|亿元|万元|元|美元|港元|欧元|日元|英镑)"
MEASURE = r"(?:场次|人次|批次|艘次|架次|大类|起|人|名|件|个|家|次|份|部|批|条|张|户|处|吨|公斤|千克|克|辆|艘|台|套|项|宗|类|所|栋|只|头|株|粒|亩|公里|米)"
CHANGE = r"(?:上升|下降|增长|减少|提高|降低|增加|回落|下滑|多增|少增)"
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("RATE", re.compile(rf"(?<={CHANGE})(?:了)?({NUM}(?:%|％|个百分点|倍|成))")),
    ("RATE", re.compile(rf"(?:是|为)[^，,。；]{{0,12}}的({NUM}倍多?)")),
    ("PERCENT", re.compile(rf"({NUM}(?:%|％))")),
    ("MONEY", re.compile(rf"({AMOUNT}{CURRENCY})")),
    ("COUNT", re.compile(rf"({AMOUNT}{MEASURE})")),
    (
        "ORG",
        re.compile(
            r"((?:[\u4e00-\u9fa5]{2,8}(?:省|市|区|县|州|盟|旗))?[\u4e00-\u9fa5]{0,6}"
            r"(?:公安局|公安厅|公安部|人民法院|人民检察院|中级人民法院|高级人民法院|检察院|法院|海关|税务局|"
            r"市场监督管理局|市场监管局|应急管理局|生态环境局|人力资源和社会保障局|人社局|消防救援支队|消防救援总队|"
            r"交警支队|交警大队|银行|日报|晚报|新华社|委员会|办公室|有限公司|网))"
        ),
    ),
    (
        "CAMPAIGN",
        re.compile(
            r"((?:“[^”]{1,16}”(?:专案|专项行动|行动|专项整治|宣传月|攻坚战|战役|会战)?)|"
            r"(?:[\u4e00-\u9fa5]{2,14}(?:专项行动|专项斗争|专项整治|宣传月|攻坚战|会战)))"
        ),
    ),
]
NOT_FIGURE_AFTER = re.compile(r"^(?:年|月|日|时|岁|周岁|个月|天|小时)")
NOT_ORG = re.compile(r"^(?:全国|全省|全市|各级|我市|我省)")


def baseline_task(text: str, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """Spans and relations the rules find in one text, as a canonical task."""
    taken = [False] * len(text)
    spans = []
    for label, pattern in PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span(1)
            if any(taken[start:end]) or NOT_FIGURE_AFTER.match(text[end : end + 2]) and label in FIGURE_HEAD_LABELS:
                continue
            if label == "ORG" and NOT_ORG.match(text[start:end]):
                continue
            for i in range(start, end):
                taken[i] = True
            spans.append(make_span(start, end, label))
    spans.sort(key=lambda s: s["start"])
    relations = []
    for i, span in enumerate(spans):
        if span["label"] != "RATE":
            continue
        sentence_start = max((m.end() for m in SENTENCE_END.finditer(text, 0, span["start"])), default=0)
        heads = [s for s in spans[:i] if s["label"] in FIGURE_HEAD_LABELS and s["start"] >= sentence_start]
        if heads:
            relations.append(((heads[-1]["start"], heads[-1]["end"]), (span["start"], span["end"])))
    return make_task(text, spans, relations, meta)
