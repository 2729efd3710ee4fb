"""The rulebook: every label set, punctuation class and word list the annotation rules name.

The normaliser, the rule components, the linker, the records and the corpus lint all read
their words from here, so settling an annotation case (docs/ANNOTATION.md) means changing one
list. Where a component needs a narrower class on purpose, the narrower class is defined here,
beside the wider one, with the reason. The rule baseline (`zh_metrics.measure.baseline`) keeps
its own patterns on purpose: it is what the model is measured against, and it must not improve
whenever the rulebook does.
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------------------
# Labels

LABELS = ("ORG", "CAMPAIGN", "MONEY", "COUNT", "PERCENT", "RATE")
NAME_LABELS = ("ORG", "CAMPAIGN")
# what a rate can be the change of: the head of a HAS_CHANGE relation, one row each in records
FIGURE_HEAD_LABELS = ("COUNT", "MONEY", "PERCENT")
# what the normaliser gives a value, unit and qualifier to
VALUE_LABELS = ("MONEY", "COUNT", "PERCENT", "RATE")
REL_LABEL = "HAS_CHANGE"

# ---------------------------------------------------------------------------
# Punctuation: sentence < clause < list item. Each class is the one before plus more.

SENTENCE_END_CHARS = "。！!？?；;\n…"
CLAUSE_CHARS = SENTENCE_END_CHARS + ",，:："
LIST_CHARS = "、"
OPEN_BRACKETS = "（("

SENTENCE_END = re.compile(f"[{re.escape(SENTENCE_END_CHARS)}]")
# a clause ends at a comma or colon too
CLAUSE_BREAK = re.compile(f"[{re.escape(CLAUSE_CHARS)}]")
# the words naming one figure of a list stop at 、 as well
ITEM_BREAK = re.compile(f"[{re.escape(CLAUSE_CHARS + LIST_CHARS)}]")
# an indicator also stops at an opening bracket: (同比…) and (含…) are asides, not its name
INDICATOR_BREAK = re.compile(f"[{re.escape(CLAUSE_CHARS + LIST_CHARS + OPEN_BRACKETS)}]")
# within a sentence, the breaks that split its clauses for the linker: no 、 (a 、 list is one clause)
INNER_CLAUSE_BREAK = re.compile(r"[,，;；:：]")
# what joins the items of a list (12%、15.3%和21.8%)
LIST_JOINERS = ("、", ",", "，", "和", "及", "与", "以及")
LIST_GLUE = re.compile(r"\s*(?:[、,，]|以及|和|及|与)\s*")
LIST_GLUE_AT_END = re.compile(r"(?:[、,，]|和|及|与)\s*$")
# sentence punctuation inside an entity; a comma between digits is a thousands separator
SENTENCE_PUNCT_IN_ENTITY = re.compile(r"[。；;！？!?]|(?<!\d)[,，]|[,，](?!\d)")

# ---------------------------------------------------------------------------
# Change words with their sign

# verbs that say a figure changed; two characters each, the ones the lint looks for
UP_VERBS = ("上升", "增长", "增加", "提高", "提升", "上涨", "攀升", "扩大")
DOWN_VERBS = ("下降", "减少", "降低", "回落", "下滑", "下跌", "缩短", "缩减", "压减", "压缩")
# nouns and short forms that also give a direction (降幅达27%, 多增3亿元, 增3.2%)
UP_OTHER = ("增幅", "涨幅", "多增", "涨价", "增", "升", "涨", "多")
DOWN_OTHER = ("降幅", "少增", "降价", "减", "降", "少")
UP_WORDS = UP_VERBS + UP_OTHER
DOWN_WORDS = DOWN_VERBS + DOWN_OTHER


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


CHANGE_VERB_RE = re.compile(_alternation(UP_VERBS + DOWN_VERBS))
DIRECTION_RE = re.compile(_alternation(UP_WORDS + DOWN_WORDS))
# the glue between the rates of one list, where each may repeat its change verb (下降17.5%、下降15.2%)
RATE_LIST_GLUE = re.compile(rf"{LIST_GLUE.pattern}|\s*[、和]\s*(?:{CHANGE_VERB_RE.pattern})\s*")
BASES = ("同比", "环比")
BASIS_RE = re.compile("|".join(BASES))
# a change word followed by 至/到 names the new level, not the change (上升至60%)
NEW_LEVEL_AFTER = ("至", "到")
# what may stand between a change word and its value (同比分别上升了12%)
BETWEEN_CHANGE_AND_VALUE = re.compile(r"(?:了|分别|均|依次|达到|达|为|约|近|超过|超|逾|\s)*")
# words of comparison: a clause made only of these and change words names no subject of its own
COMPARISON_WORDS = re.compile(
    r"同比|环比|与|相比|是|的|较|比|去年|上年|前年|上月|上季度?|年初|年末|季末|月末|同期|\d+年|\d+月份?|"
    rf"分别|均|依次|{_alternation(UP_VERBS + DOWN_VERBS)}|多增|少增|降幅|增幅|涨幅|了|为|达到|达|约|近|超过|超|逾|\s"
)
RESPECTIVELY = ("分别", "依次")
# a share of an earlier period's figure is a change against that period, not a level:
# 是去年同期的80%, 超过上年全年总数的90% (RATE). A share of a total (占总数的31%, 占全国同期的40%:
# 同期 alone is the same period) and a base (由去年的12%降至…) are levels (PERCENT).
EARLIER_PERIOD = r"(?:去年|上年|前年|上一年|上月|上个月|上季度|往年|以往|[\d一二三四五六七八九十]+年前|\d{4}年同期)"
SHARE_OF_EARLIER_RE = re.compile(
    rf"(?:是|为|相当于|超过|超出|达到|达|仅为)[^,，。；;、]*?{EARLIER_PERIOD}[^,，。；;、]*的$"
)
# right before a comparison base, which is never the figure a rate changes: 比去年[7.1万件],
# 较上年([18.3万件]), 由年初的[61.2%], 由[3家]增加到 (not 占比[24%], 较大事故[2起])
COMPARISON_BASE_BEFORE = re.compile(
    rf"(?:(?:较|(?<!占)比|与|由|从)(?:{EARLIER_PERIOD}|\d{{4}}年|年初|年末|\d+月份?|[一二三四五六七八九十]+月份?)(?:全年|同期)?|由)的?[（(]?$"
)
# 是去年同期的2倍, 增至3倍: a multiple that names the new level (the change is one less)
TIMES_OF_RE = re.compile(
    r"(?:(?:是|为|相当于|达到|达)[^,，。;；]*的|增至|增长到|增加到|提高到|扩大到|升至|达到|为|是|达)$"
)

# ---------------------------------------------------------------------------
# Qualifiers: words around a figure that make it approximate or a bound

LESS_BEFORE = ("将近", "接近", "不到", "不足", "近")
ABOUT_BEFORE = ("大约", "约为", "约", "大概")
MORE_BEFORE = ("超过", "超出", "突破", "多达", "逾", "超")
MORE_AFTER = ("以上", "多", "余")
ABOUT_AFTER = ("左右",)
LESS_AFTER = ("以下", "以内")
QUALIFIERS_BEFORE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("less_than", LESS_BEFORE),
    ("about", ABOUT_BEFORE),
    ("more_than", MORE_BEFORE),
)
QUALIFIERS_AFTER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("about", ABOUT_AFTER),
    ("more_than", MORE_AFTER),
    ("less_than", LESS_AFTER),
)
# 余/多 inside a figure (3000余万元)
APPROX_INSIDE = "余多"
# a figure that has no single value (数十起, 几百人, 若干)
VAGUE_PREFIXES = ("数", "几", "若干", "上")
# words right outside a figure span that the rules keep out of it (the lint flags them inside)
TOTAL_WORDS = ("共计", "累计", "合计", "总计", "共")
OUTSIDE_PREFIXES = ("近", "约", "达", "人民币", "逾", "超过") + TOTAL_WORDS
OUTSIDE_SUFFIXES = ("以上", "左右", "以下")

# ---------------------------------------------------------------------------
# Numbers, units and measure words

NUMERAL_CHARS = "0123456789.零〇一二两三四五六七八九十百千万亿点壹贰叁肆伍陆柒捌玖拾佰仟"
CURRENCIES = (
    "美元",
    "港元",
    "港币",
    "欧元",
    "日元",
    "英镑",
    "澳元",
    "澳门元",
    "韩元",
    "新台币",
    "卢布",
    "加元",
    "人民币",
)
# the money sub-units, as fractions of the main unit
SUBUNITS = {"角": "0.1", "毛": "0.1", "分": "0.01"}
KILO_UNITS = ("克", "米", "瓦", "公顷", "伏")
MEASURE_WORDS = (
    "场次", "人次", "批次", "起", "人", "名", "件", "家", "部", "批", "条", "张", "户", "处", "吨", "公斤", "辆", "艘",
    "台", "套", "宗", "万元", "亿元", "元", "份",
)  # fmt: skip
# after a number these make it a date, an age or a duration, not a figure
NOT_FIGURE_AFTER = ("年", "月", "日", "时", "岁", "周", "天", "小时", "分钟", "号")

# ---------------------------------------------------------------------------
# Names

# the words that say what kind of campaign a name is: with a specific description before them
# they make a name ([松川市禁毒专项行动]); alone or after a generic word they do not (本次专项行动)
CAMPAIGN_TYPE_WORDS = (
    "专项行动", "专项整治", "集中整治", "专项工作", "专项斗争", "专项检查", "专项治理", "专项监督", "专项督查",
    "专项打击", "宣传周", "宣传月", "百日攻坚行动", "百日行动", "攻坚行动", "攻坚战", "集中行动",
    "统一行动", "会战", "战役", "保卫战",
)  # fmt: skip
# the type words that join a quoted name written right before them ([“清源”专项行动], but [“清源”]宣传活动)
QUOTED_NAME_TYPE_WORDS = ("专案", "行动", "专项行动", "专项整治", "宣传月", "攻坚战", "战役", "会战")
# a campaign written without quotes ends with a type word or one of these wider endings
CAMPAIGN_END = re.compile(
    rf"(?:[”」』]|{_alternation(CAMPAIGN_TYPE_WORDS)}|行动|专案|斗争|整治|攻坚|人民战争|攻势|检查|工程|计划|创建|"
    r"活动|日|月|周|年|行动\d(?:\.\d)?|\d{4}|案|治理|排查|清查|清理|评查|查处|打击|执法|监督|督察|禁渔|百日)$"
)
# nouns for a class of bodies, not one organisation (公安机关, 各级法院)
CLASS_NOUNS = (
    "公安机关", "警方", "公安", "检察机关", "审判机关", "法院", "检察院", "银行", "海关", "税务部门", "税务机关",
    "各行业主管部门", "行业主管部门", "主管部门", "互联网企业", "金融机构", "市场监管部门", "人社部门",
    "消防救援机构", "交警部门", "政法机关",
)  # fmt: skip
SCOPE_WORDS = (
    "全国",
    "全省",
    "全市",
    "全区",
    "全县",
    "全州",
    "我市",
    "我省",
    "我区",
    "我县",
    "各地",
    "各级",
    "当地",
    "有关",
    "相关",
)
# the words before a type word that make it a back-reference or a generic class, not a name:
# 本次专项行动, 各类专项行动, 三大专项行动, 6月集中宣传月 (and any list closed by 等: “清源”等专项行动)
GENERIC_CAMPAIGN_MODIFIER = re.compile(
    r"^(?:本次|此次|这次|这一|该|上述|此类|各类|各项|各|系列|一系列|多轮|多项|历次|年度|今年|去年|当年|"
    r"集中|联合|集群|全面|深入|持续|常态化|新一轮|新一届|首轮|本轮|这轮|[第]?[\d一二三四五六七八九十两]+(?:大|项|类|个|轮|次|批|年)?|地|"
    rf"\d{{4}}年度?|\d+月份?|[一二三四五六七八九十]+月份?|{_alternation(SCOPE_WORDS)}|开展的|的)*$"
)
# a type word after these is one piece of work described, not a name (开展一次货车违法集中整治)
ONE_INSTANCE = ("一次", "一轮", "一场", "一项")
# words that take a campaign as their object or compare with it: a description starts after
# them (开展[…专项整治], 较专项行动开展前)
CAMPAIGN_FRAMING_VERBS = re.compile(
    r"为期[^的]{1,6}的|开展了?|组织了?|部署了?|启动了?|推进|推动|实施|进行|参与|参加|依托|通过|围绕|纳入|结合|借助|发起|举办|开启|深化|"
    r"加强|巩固|延续|总结|坚持|配合|检验|作为|完成|通报|转入|带动|回眸|把|将|在|以|与|和|及|对|从|向|是|为|较|比|"
    r"经过|随着"
)
# a byline: who reports, not who acts (来源: XX日报; XX社北京3月1日电)
SOURCE_BEFORE = re.compile(r"(?:来源|来自|稿源|据)\s*[:：]?\s*$")
SOURCE_AFTER = re.compile(r"^\s*(?:讯|电|记者|报道|消息|客户端|网讯|[(（]记者)")

# ---------------------------------------------------------------------------
# Indicators: the words before a figure that are not what it counts

SCOPE_FRAMES = ("今年以来", "截至目前", "目前", "期间", "全年")
LEADING_FILLERS = re.compile(
    r"^(?:其中|同时|此外|另外|全年|今年以来|截至目前|目前|期间|全市|全省|全区|全县|全国|我市|我省|共计|共|累计|合计|总计|并|还|已|均)+"
)
# the frame around a preceding entity (在“断卡”行动中破获…)
AFTER_ENTITY_FRAME = re.compile(r"^(?:开展以来|实施以来|启动以来|开展期间|期间|以来|中)")
TRAILING_FILLERS = re.compile(
    r"(?:人民币|分别为|分别是|分别|约为|约|将近|接近|近|逾|超过|超|达到|达|共计|共|累计|合计|为|是|有|同比|环比|较去年同期|较上年|较去年|比上年|比去年"
    rf"|{_alternation(UP_VERBS + DOWN_VERBS)}|了)+$"
)


def rate_context(text: str, start: int, rate_starts: dict[int, int]) -> str:
    """The words before a rate at `start` that give its direction and basis (`rate_starts`:
    end offset → start offset of every rate). In a 分别 list (上升31.2%和64.5%) a rate takes
    the words before the first rate of the list."""
    pos = start
    while True:
        head = text[max(0, pos - 8) : pos]
        glue = LIST_GLUE_AT_END.search(head)
        if not glue:
            break
        prev = rate_starts.get(pos - len(head) + glue.start())
        if prev is None:
            break
        pos = prev
    clause_start = max((m.end() for m in CLAUSE_BREAK.finditer(text, max(0, pos - 30), pos)), default=max(0, pos - 30))
    return text[clause_start:pos]


def direction_sign(before: str) -> int:
    """+1 or -1 by the last change word in `before` (up when there is none)."""
    directions = DIRECTION_RE.findall(before)
    return -1 if directions and directions[-1] in DOWN_WORDS else 1
