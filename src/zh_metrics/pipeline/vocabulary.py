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
CLOSE_BRACKETS = "）)"
# an indicator stops at a clause break and at brackets: (同比…) and (含…) are asides, not its
# name. Not at 、: 缴获电话卡、银行卡1.1万张 counts both; in 打掉团伙12个、窝点30处 the
# previous figure ends the second one's words anyway.
INDICATOR_BREAK = re.compile(f"[{re.escape(CLAUSE_CHARS + OPEN_BRACKETS + CLOSE_BRACKETS)}]")
# within a sentence, the breaks that split its clauses for the linker: no 、 (a 、 list is one clause)
INNER_CLAUSE_BREAK = re.compile(r"[,，;；:：]")
# what joins the items of a list (12%、15.3%和21.8%)
LIST_JOINERS = ("、", ",", "，", "和", "及", "与", "以及")
LIST_GLUE = re.compile(r"\s*(?:[、,，]|以及|和|及|与)\s*")
# what separates the items of a listed indicator (发案数、损失金额和破案数)
LIST_ITEM_GLUE = re.compile(r"、|以及|和|及|与")
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
# the glue between the rates of one list, where each may repeat its change verb (下降12.5%、下降9.8%)
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
# the last word of a ratio named as what changed (破案率, 不起诉率, 占比): its figure is a percentage
RATIO_WORDS = ("率", "比重", "占比")
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

LESS_BEFORE = ("将近", "接近", "不到", "不足", "近", "小于", "低于", "少于", "不超过", "不超", "至多", "最多")
ABOUT_BEFORE = ("大约", "约为", "约合", "约", "大概")
MORE_BEFORE = (
    "超过", "超出", "突破", "多达", "逾", "超", "大于", "高于", "多于", "不少于", "不低于", "不小于", "至少",
)  # fmt: skip
MORE_AFTER = ("以上", "多", "余", "(含)以上", "及以上")
ABOUT_AFTER = ("左右", "上下")
LESS_AFTER = ("以下", "以内", "(含)以下", "及以下")
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


def _by_length(groups: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, str], ...]:
    """(word, qualifier) pairs, longest word first: 不少于 must win over 少于, 不超过 over 超过."""
    return tuple(sorted(((w, q) for q, words in groups for w in words), key=lambda p: len(p[0]), reverse=True))


# the qualifier words as the normaliser matches them, longest first
QUALIFIER_WORDS_BEFORE = _by_length(QUALIFIERS_BEFORE)
QUALIFIER_WORDS_AFTER = _by_length(QUALIFIERS_AFTER)
# 余/多 inside a figure (3000余万元): more than
APPROX_INSIDE = "余多"
# 来 inside a figure, after 十/百/千/万/亿 (二十来人, 百来起): about
ABOUT_INSIDE = "来"
# a figure that has no single value (数十起, 几百人, 若干)
VAGUE_PREFIXES = ("数", "几", "若干", "上")
# words right outside a figure span that the rules keep out of it (the lint flags them inside)
TOTAL_WORDS = ("共计", "累计", "合计", "总计", "共")
OUTSIDE_PREFIXES = ("近", "约", "达", "人民币", "逾", "超过") + TOTAL_WORDS
OUTSIDE_SUFFIXES = ("以上", "左右", "以下")

# ---------------------------------------------------------------------------
# Numbers, units and measure words

# The digits, with the financial (大写) forms and the colloquial 幺; 几 is a digit of unknown
# value (三十几 → more than 30), read as 0 with the qualifier more_than.
DIGIT_VALUES = {
    "零": 0, "〇": 0, "一": 1, "幺": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
ZERO_DIGITS = "零〇"
VAGUE_DIGIT = "几"
# units inside a section of four places, and the magnitudes that close a section
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
MAGNITUDES = {"万": 10**4, "亿": 10**8}
DECIMAL_POINTS = ".点"
NUMERAL_CHARS = "0123456789" + "".join(DIGIT_VALUES) + "".join(SMALL_UNITS) + "".join(MAGNITUDES) + DECIMAL_POINTS
# the numbering of a list's points (⑴, ①, ⒈, ❶…): a span holding one is no figure (⑵畅通渠道)
LIST_NUMBERING = re.compile("[\u2460-\u249b\u24eb-\u24ff\u2776-\u2793]")
# a sign written before a number (同比增长-6.4%, 负百分之三)
SIGNS = {"-": -1, "−": -1, "负": -1, "+": 1}
# 三个亿: a measure word between the number and its magnitude
MAGNITUDE_CLASSIFIER = "个"
# 半吨, 一吨半, 一个半; the words that are half as a share
HALF = "半"
HALF_WORDS = ("一半", "半数")
# Two numerals side by side are a range (六七亿 → 6亿 to 7亿, 两三百, 十七八万); the pairs are
# the neighbouring digits and the idiomatic 三五 and 一两.
ADJACENT_NUMERALS = ("一二", "一两", "二三", "两三", "三四", "三五", "四五", "五六", "六七", "七八", "八九")
# what separates the ends of a range (NFKC has made ～ and － into ~ and -); longest first
RANGE_SEPARATORS = ("——", "--", "—", "–", "-", "~", "〜", "至", "到")
# the words around a whole range (从8500到3万元不等)
RANGE_OPENERS = ("从",)
RANGE_CLOSERS = ("不等",)
# Traditional characters of numerals, currencies and the words around figures, folded before reading
# (the unit of a figure keeps every other character as written).
TRADITIONAL_FOLD = str.maketrans(
    {
        "萬": "万", "億": "亿", "兩": "两", "點": "点", "貳": "贰", "貮": "贰", "參": "叁", "叄": "叁", "陸": "陆",
        "餘": "余", "幾": "几", "數": "数", "個": "个", "約": "约", "過": "过", "於": "于", "達": "达", "將": "将",
        "內": "内", "幣": "币", "臺": "台", "門": "门", "歐": "欧", "鎊": "镑", "韓": "韩", "盧": "卢", "亞": "亚",
        "蘭": "兰", "紐": "纽", "圓": "圆", "長": "长", "減": "减", "漲": "涨", "環": "环", "較": "较", "廿": "二十",
        "卅": "三十",
    }
)  # fmt: skip

# Currencies: the one Chinese name a money unit carries, with its ISO-like code.
CURRENCY_CODES = {
    "元": "CNY", "美元": "USD", "港元": "HKD", "欧元": "EUR", "日元": "JPY", "英镑": "GBP", "澳元": "AUD",
    "澳门元": "MOP", "韩元": "KRW", "新台币": "TWD", "卢布": "RUB", "加元": "CAD", "越南盾": "VND",
    "林吉特": "MYR", "新加坡元": "SGD", "泰铢": "THB", "瑞士法郎": "CHF", "新西兰元": "NZD", "印尼盾": "IDR",
    "菲律宾比索": "PHP", "印度卢比": "INR", "缅元": "MMK", "比特币": "BTC", "泰达币": "USDT",
}  # fmt: skip
# other names and symbols for them (块/块钱 only right after a number)
CURRENCY_ALIASES = {
    "人民币": "元", "人民币元": "元", "块": "元", "块钱": "元", "元钱": "元", "圆": "元", "RMB": "元", "CNY": "元",
    "¥": "元", "美金": "美元", "美刀": "美元", "USD": "美元", "US$": "美元", "$": "美元", "港币": "港元",
    "HKD": "港元", "HK$": "港元", "EUR": "欧元", "€": "欧元", "日币": "日元", "JPY": "日元", "GBP": "英镑",
    "£": "英镑", "澳大利亚元": "澳元", "澳门币": "澳门元", "葡币": "澳门元", "韩币": "韩元", "台币": "新台币",
    "俄罗斯卢布": "卢布", "加拿大元": "加元", "越南币": "越南盾", "马币": "林吉特", "马来西亚林吉特": "林吉特",
    "新元": "新加坡元", "新币": "新加坡元", "纽元": "新西兰元", "印度尼西亚盾": "印尼盾", "USDT": "泰达币",
}  # fmt: skip
# the names a figure's own text leaves to the words before it (欧元464.6万元 is euros)
DEFAULT_CURRENCY_NAMES = ("元", "块", "块钱", "元钱", "圆")
# the names that are measure words in a count (5块 pieces, not 5 元)
MEASURE_WORD_CURRENCIES = ("块", "圆")
# every currency name, longest first, so 新台币 wins over 台币 and 澳门元 over 澳元
CURRENCIES = tuple(sorted({*CURRENCY_CODES, *CURRENCY_ALIASES}, key=len, reverse=True))
# the money sub-units, as fractions of 元 (256元3角5分, 二十块五毛)
SUBUNITS = {"角": "0.1", "毛": "0.1", "分": "0.01"}
# Latin magnitudes right after Arabic digits in money (5k元, 1.2w元); a count keeps them (5kW)
LATIN_MAGNITUDES = {"k": "千", "K": "千", "w": "万", "W": "万"}
# what may close an amount of money (壹万元整, 五毛钱)
MONEY_CLOSING = ("整", "正", "钱")
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
# quotation marks, each opening one at the place of its closing one (“清链”, 「清链」, ‘清链’)
OPENING_QUOTES = "“「『‘"
CLOSING_QUOTES = "”」』’"
QUOTED_NAME_TYPE_WORDS = ("专案", "行动", "专项行动", "专项整治", "宣传月", "攻坚战", "战役", "会战")
# a campaign written without quotes ends with a type word or one of these wider endings
CAMPAIGN_END = re.compile(
    rf"(?:[”」』]|{_alternation(CAMPAIGN_TYPE_WORDS)}|行动|专案|斗争|整治|攻坚|人民战争|攻势|检查|工程|计划|创建|"
    r"活动|日|月|周|年|行动\d(?:\.\d)?|\d{4}|案|治理|排查|清查|清理|评查|查处|打击|执法|监督|督察|禁渔|百日)$"
)
# the alternatives of a measure word, in brackets after it, and what closes it (22万架(艘、辆)次,
# 3,150辆(艘)次)
MEASURE_ALTERNATIVES = re.compile(r"[(（][\u4e00-\u9fff]{1,2}(?:、[\u4e00-\u9fff]{1,2})*[)）](?:人次|次)?")
# nouns for a class of bodies, not one organisation (公安机关, 各级法院)
CLASS_NOUNS = (
    "公安机关", "警方", "公安", "检察机关", "审判机关", "法院", "检察院", "银行", "海关", "税务部门", "税务机关",
    "各行业主管部门", "行业主管部门", "主管部门", "互联网企业", "金融机构", "市场监管部门", "人社部门",
    "消防救援机构", "交警部门", "政法机关", "司法机关", "行政机关", "纪检监察部门", "公安部门", "消防部门",
    "卫生健康部门", "监管部门", "执法部门", "消防救援队伍", "交管部门", "公安交管部门", "公安派出所",
    "边检机关", "税务局", "国税局", "地税局",
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
    "本市",
    "本省",
    "本区",
    "本县",
    "省区市",
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
SOURCE_BEFORE = re.compile(r"(?:来源|稿源)\s*[:：]?\s*$")
SOURCE_AFTER = re.compile(r"^\s*(?:讯|电|记者|网讯|[(（]记者)")
# 据X, 来自X的消息, X报道: a news outlet is a source; another body so named reports its own figures
MEDIA_NAME = re.compile(r"(?:社|报|网|台|电视台|客户端|杂志|在线|新闻)$")
MEDIA_BEFORE = re.compile(r"(?:据|来自|根据)\s*[:：]?\s*$")
MEDIA_AFTER = re.compile(r"^\s*(?:报道|消息|客户端)")
# the rest of a dateline after the outlet's name (松川日报|青禾7月1日电): it stands before a
# subject like a time word
DATELINE_REST = re.compile(r"^[^,，。;；]{0,16}?(?:电|讯|消息)")

# the provinces by their short names, which reports write alone (北京、湖南等12个省区市)
PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)  # fmt: skip

# ---------------------------------------------------------------------------
# Indicators: the words before a figure that are not what it counts

LEADING_FILLERS = re.compile(
    r"^(?:[、和及与]|以及|其中|同时|此外|另外|另|全年|今年以来|截至目前|目前|期间|同期|全市|全省|全区|全县|全国|我市|我省|共计|共|累计|合计|总计"
    r"|并|还|已经|已|现已|均|分别|成功|有效|精准|先后|依法|集中|含|包括|又|再|也|因|能|广泛|完成|带动|通过|配合|协助"
    r"|为[\u4e00-\u9fff]{1,5}?(?=挽回|追回|讨回|发放|减少|避免)|在[^,，。]{1,10}?中(?=[\u4e00-\u9fff]{2})"
    r"|我国|[^,，、。]{0,12}等地|(?:[\u4e00-\u9fff]{2,3}(?:省|自治区|市|县|区|州)(?=[\u4e00-\u9fff]{2}))"
    rf"|各类|(?:{_alternation(PROVINCES)})(?=[\u4e00-\u9fff]{{2}}))+"
)
# the frame around a preceding entity (在“断卡”行动中破获…, 30万元以上的案件)
AFTER_ENTITY_FRAME = re.compile(r"^(?:开展以来|实施以来|启动以来|开展期间|期间|以来|中|(?:以上|以下|左右)?的?)")
TRAILING_FILLERS = re.compile(
    r"(?:人民币|分别为|分别是|分别|约为|约|将近|接近|近|逾|超过|超|达到|达|共计|共|累计|合计|为(?<![行作认成因]为)|是|有|占到|占|等|和|(?<!涉)及"
    r"|保持在|保持|高出|低于|高于|的|均|已经|已"
    r"|(?:同比|环比)(?:又|再|均|分别)?|(?:相比|较|比|与|由)(?:去年|上年|前年|上月|今年)?(?:同期)?(?:相比)?"
    rf"|(?:{_alternation(UP_VERBS + DOWN_VERBS)})(?:到|至)?|了)+$"
)
# a preposition before a name: the name is whom the work was done to or for (对青禾公司罚款…)
PREPOSITION = re.compile(r"对|向|为|与|给|同|对于")
# the words that make a subject total what follows (各地共抓获…, 公安机关累计止付…)
TOTAL_BEFORE = re.compile(r"(?:共计|累计|合计|总计|共(?![享同建治用产青担]))")
# who acts or to whom, before the verb: a class of bodies, with its place or scope (检察机关起诉…,
# 向司法机关移送…, 配合公安机关关停…)
SUBJECT_BEFORE_VERB = re.compile(
    rf"^(?:向|为|对|配合|协助|会同|联合|由)?(?:{_alternation(SCOPE_WORDS)}|[\u4e00-\u9fff]{{2,3}}(?:省|市|县|区|州))?"
    rf"(?:{_alternation(CLASS_NOUNS)})"
)
# the words that end the noun after a count: what the clause goes on to say about it
NOUN_AFTER_END = re.compile(r"共(?![享同建治用产青担])|对(?!象)|正在|已|均|全部|被|将|主动|分别|同比|环比|[(（]")
# a class of bodies after the noun of a count: where the counted places' bodies start to act
BODY_AFTER_COUNT = re.compile(_alternation(CLASS_NOUNS))
# a count followed by its noun (涉及9个省份, 发布…等15部反诈短视频) names it there, unless
# what follows is no noun: a qualifier, a particle, a verb of the clause, a change
NOT_NOUN_AFTER_FIGURE = re.compile(
    r"^(?:[^\u4e00-\u9fff“\"《A-Za-z]|以上|以下|左右|余|多|的|次|同比|环比|较|比|占|为|是|和|与|及|共|均|分别|全部|中|被|在|将|已|于|"
    r"到|至|后|前|内|以|之|不等|不到|次|上升|下降|增长|减少|提高|降低|涉及|涉案|其中|左|同|案值|价值|金额)"
)

# ---------------------------------------------------------------------------
# Reading documents: what the cleaning step (zh_metrics.documents.clean) maps, drops and keeps

# Chinese characters: the CJK unified ideographs (with extension A) and the compatibility ideographs
HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN_CHARS}]")
# what Chinese text is written with besides ideographs: radicals, CJK punctuation, “” ‘’ — …, full-width forms
CJK_TEXT_CHARS = HAN_CHARS + "\u2e80-\u2fdf\u3000-\u303f\u2018\u2019\u201c\u201d\u2014\u2026\uff00-\uffef"
# a space between two CJK characters is an artefact of PDF text or hard wrapping, never meant (a
# tab parts table cells: kept)
SPACE_BETWEEN_CJK = re.compile(f"(?<=[{CJK_TEXT_CHARS}])[^\\S\\n\\t]+(?=[{CJK_TEXT_CHARS}])")
# compatibility forms NFKC maps to what the model was trained on: Kangxi radicals (PDF text: ⽐ → 比),
# compatibility ideographs, full-width digits, letters and signs (２７．４％ → 27.4%) and odd spaces
COMPATIBILITY_FORMS = re.compile(
    "[\u2f00-\u2fdf\uf900-\ufaff\uff01-\uff5e\u00a0\u2000-\u200a\u3000\U0002f800-\U0002fa1f]"
)
# full-width punctuation Chinese is written with: kept as the writer typed it (the corpus has both forms)
KEPT_FULL_WIDTH = "，；：（）！？"
# radicals a PDF's text gives for characters its font draws with the same glyph: the CJK Radicals
# Supplement, which NFKC leaves alone (⻔ ⻚ ⺠ for 门 页 民), by Unicode's EquivalentUnifiedIdeograph.txt,
# and the Kangxi radical DOOR, which simplified-Chinese fonts (Noto Sans CJK SC) draw as 户, not as
# its NFKC form 戶; mapped before NFKC
RADICALS = str.maketrans(
    "⺁⺂⺃⺄⺅⺆⺇⺈⺉⺊⺋⺌⺍⺎⺏⺐⺑⺒⺓⺔⺕⺖⺗⺘⺙⺛⺜⺝⺞⺟⺠⺡⺢⺣⺤⺥⺦⺧⺨⺩⺪⺫⺬⺭⺮⺯⺰⺱⺲⺳⺴⺵⺶⺷⺸⺹⺺⺻⺼⺽⺾⺿⻀⻁⻂⻃⻄⻅⻆⻇⻈⻉⻊⻋⻌⻍⻎⻏⻐⻑⻒⻓⻔⻕⻖⻗⻘⻙⻚⻛⻜⻝⻞⻟⻠⻡⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳⼾",
    "厂乛乚乙亻冂𠘨刀刂卜㔾小小兀尣尢𡯂巳幺彑𫜹忄心扌攵旡日月歺母民氵氺灬爫爫丬牛犭王𤴔目示礻𥫗糹纟罓罒㓁冗𦉫羊𦍌𦍋耂肀聿肉𦥑艹艹艹虎衤覀西见角𧢲讠贝𧾷车辶辶辶邑钅長镸长门𨸏阝雨青韦页风飞食𩙿飠饣𩠐马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟户",
)
# characters that only get in the way: BOM / zero-width no-break space, zero-width space and joiners, soft hyphen
INVISIBLE_CHARS = "\ufeff\u200b\u200c\u200d\u2060\u00ad"
# a line that ends with one of these (closing quotes and brackets aside) ends its paragraph: it is not
# joined to the next line even when it fills the width
PARAGRAPH_END_CHARS = SENTENCE_END_CHARS + ":："
CLOSING_CHARS = "”’」』)）》"
# a line of a PDF page that is only its page number (- 3 -, 第3页, 第3页 共8页, 3/8, 3)
PAGE_NUMBER_LINE = re.compile(
    r"^(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+)$"
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


# ---------------------------------------------------------------------------
# Periods: the time expressions that scope a figure (今年以来, 2023年1月至11月, 截至9月底)

_CN_DIGITS = "零〇一二两三四五六七八九十"
_YEAR = rf"(?:\d{{4}}\s*年|[{_CN_DIGITS}]{{4}}年|今年|去年|前年|上年|本年|当年|明年)"
_MONTH = rf"(?<!\d)(?:\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})\s*月份?"
_DAY = r"(?<![\d.])(?:\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*[日号]"
_HOUR = r"(?:\d{1,2}\s*时(?:\d{1,2}分)?|[早晚]上|凌晨|上午|下午|晚间?)"
# the part of a year or month: 初/底/末 and the 旬 of a month
_PART = r"(?:初|底|末|中旬|上旬|下旬|前后)"
_SEASON = (
    rf"(?:第?[一二三四1-4]季度|上半年|下半年|前[{_CN_DIGITS}\d]+(?:个)?(?:月|季度)|全年|年初|年底|年末|年内|"
    r"(?:春节|元旦|国庆|中秋节?|元宵节?|五一|清明|端午)(?:假期|期间|前|后|当日|当天)|假期)"
)
_POINT = rf"(?:{_YEAR}?\s*(?:{_MONTH}{_PART}?\s*(?:{_DAY}{_HOUR}?)?|{_DAY}{_HOUR}?|{_SEASON})|{_YEAR}{_PART}?)"
# a range: 2023年1月至11月, 1-7月, 5月26日-9月15日, 2018年至2020年 (the first month may lack its 月: 1至8月)
_RANGE_SEP = r"\s*(?:至|到|-|—|–|~|～|－|暨)\s*"
_RANGE = rf"(?:{_YEAR}?\s*(?:\d{{1,2}}|[{_CN_DIGITS}]{{1,2}})(?={_RANGE_SEP}(?:\d|[{_CN_DIGITS}])+\s*月)|{_POINT})(?:{_RANGE_SEP}(?:{_POINT}|今年\S{{0,2}}?|目前|今|现在))?"
# how long back from now: 近五年, 一年来, 近两个月来, 50天内, 连续4年
_SPAN_BACK = rf"(?:近|最近|连续)?(?:\d+|[{_CN_DIGITS}]+)(?:多|余)?(?:个)?(?:年|月|周|天|日|小时)(?:来|以来|内|间)"
_SPAN_RECENT = rf"(?:近|最近)(?:\d+|[{_CN_DIGITS}]+)(?:多|余)?(?:个)?(?:年|月|周|天)|连续(?:\d+|[{_CN_DIGITS}]+)年"
_NOW = r"(?:目前为止|目前|现在|今天|当前|近日|近期|当晚|当天|当日|当月|每日|每天|期间)"
TIME_EXPRESSION = re.compile(
    rf"(?:(?:截至|截止到?|截止至|到)\s*(?:{_RANGE}|{_NOW})"  # up to a point
    rf"|(?:自从|自|从)?\s*{_RANGE}\s*(?:以来(?:至{_RANGE}|至今)?|来|开始|起|至今|期间|以后|后|前|内|间|全年)?"
    rf"|{_SPAN_BACK}|{_SPAN_RECENT}|{_NOW})"
)
# an expression followed by these dates a byline (新华社某地3月1日电 (记者…)) or a meeting, not a
# period; the byline's 电 stands alone (今年第一季度电信诈骗… is a period and its indicator)
NOT_PERIOD_AFTER = re.compile(
    r"^(?:\s*(?:电(?=$|[\s(（【〔,，:：]|记者|通讯员)|消息|讯|报道|发布)|[^。;；!！?？\n]{0,24}?(?:召开|举行|举办|发布会))"
)
# the words that close an event scope (“清链”行动开展以来, 行动期间)
SCOPE_END = re.compile(r"以来|期间")
# what stands before an event scope but is not part of it: fillers and who acts (全市公安机关)
SCOPE_LEAD = re.compile(
    rf"^(?:{_alternation(('其中', '同时', '此外', '另外', '据悉', '据了解') + SCOPE_WORDS)})?(?:{_alternation(CLASS_NOUNS)})?\s*"
)
# 在…中 encloses the figures of its clause: 在“清链”行动中, 在深入推进…专项行动中
SCOPE_IN = re.compile(r"在[^,，。;；:：!！?？\n在]{2,40}?(?:行动|专项行动|斗争|整治|活动|工作|战役|会战|专案)中")
# 行动中 / 此次行动中 at the head of a clause points back to the campaign named before; it ties
# the figures to that campaign but names no time of its own
SCOPE_BACK = re.compile(
    r"(?:^|(?<=[,，。;；:：!！?？\n]))(?:此次|本次|这次|该)?(?:专项|集中)?(?:行动|专项行动|整治|战役|会战)(?:中|期间)"
)
# words that make the next time expression a comparison base (比去年, 较上年同期, 与去年同期相比)
BASE_BEFORE = re.compile(r"(?:比|较|与|同|和|由|相比|对比|比较)\s*$")
# a base period (去年同期) scopes its own clause only
BASE_PERIOD = re.compile(r"同期")
# a part of the period in scope (其中,第二季度…) scopes its own sentence only
PART_BEFORE = re.compile(r"其中\s*[,，]?\s*$")
# a time expression in the object of a review (排查出近五年来积压案件318起,已破获35起;…) says which
# cases were found, not the time of the work: it scopes its own sentence only
OBJECT_PERIOD_BEFORE = re.compile(r"(?:梳理|排查|摸排|清理|清查|核查|起底|筛查|倒查)(?:出|了)?\s*$")
# words that name the period already in scope rather than a new one (2021年,全年共…; 目前已…)
WEAK_PERIODS = ("全年", "目前", "当前", "现在", "期间")
# 期间 closes an event scope only after an event: a campaign, a holiday, a meeting
EVENT_WORDS = re.compile(
    r"(?:行动|活动|整治|斗争|宣传月|宣传周|战役|会战|攻坚战|专项|专案|假期|节|会议|会|赛|运动)[”」』]?$"
)
# words of a time expression that say it is a stretch back from the document's date
UP_TO_NOW = ("以来", "至今", "来")

# ---------------------------------------------------------------------------
# Attribution: whose figure it is, and of which campaign

# what may stand before an organisation that is the subject of its clause: time words and
# fillers, and the frames of a report's source (记者从X获悉, 据X通报)
SUBJECT_LEAD = re.compile(
    r"^(?:\s|记者|日前|近日|近期|从|据|根据|来自|由|经|另据|今年以来|截至目前|目前|同时|此外|另外|其中|一是|二是|三是"
    r"|[(（][^)）]{0,16}[)）]|[(（]|\d+[.、]|[一二三四五六七八九十]+、)*$"
)
# an organisation followed by these directs or supervises the work rather than doing it
SUPERVISOR_AFTER = re.compile(r"^(?:的)?(?:统一)?(?:部署|指导|指挥|督办|督导|牵头|要求|领导|授权|委托|挂牌)")
# a campaign is the work the figures come from when it is what the clause sets going
CAMPAIGN_VERBS = re.compile(
    r"(?:开展|展开|推进|组织|部署|实施|发起|启动|打响|深化|通过|依托|借助|结合|利用)\s*(?:了|的|为期\S{1,4}的|新一轮|全市|全省|全国|集中|专项)*"
)
# where a campaign's name may start: after its verb, 在 or 的; a name the model cut inside
# (开展打击制|售假币专项行动) runs back to there over the characters between (not after a body or
# a scope word, where a verb of another kind follows: 全市法院服务|打击…专项行动)
CAMPAIGN_NAME_BOUNDARY = re.compile(rf"{CAMPAIGN_VERBS.pattern}|在|的")
# a campaign whose sentence goes on to its results (松川市“清链”行动取得明显成效,破获…): the
# figures of that sentence are its results
CAMPAIGN_RESULTS_AFTER = re.compile(r"(?:开展以来|以来|期间)?\s*(?:已经|已|均)?(?:取得|战果|成效|成果)")
# a release about a campaign (召开“清链”行动新闻发布会, “净岸”行动成果通报会): the figures
# of the paragraph that follow are its results, whatever calendar period they give
CAMPAIGN_RELEASE_AFTER = re.compile(r"(?:工作|开展)?(?:情况|成效|战果|成果)?(?:新闻)?(?:发布会|通报会|通气会)")
# an event scope that names a campaign by its type only (行动开展以来), or only points back to
# it (期间), refers to the last one named
CAMPAIGN_TYPE_IN_SCOPE = re.compile(r"行动|专项|整治|斗争|会战|战役|攻坚|^其间$|^期间$")
# a period of the calendar (今年以来, 1至8月, 全年) or the end of a year (截至2024年底) takes over
# from a campaign set going in an earlier sentence; another point it runs up to (截至6月5日,
# 目前) does not
CALENDAR_PERIOD = re.compile(
    r"^(?!截至|截止|到目前).*(?:年|季度|\d\s*月(?!\s*\d{1,2}\s*[日号])|月份|以来)|^(?:截至|截止).*年(?:底|末)$"
)
# a place's police, courts or procuratorates written as a class (青禾县公安机关, 松川警方,
# 松川全市公安机关) stand for the body of that place the document names (松川市公安局): the class
# words, and the heads of the body's name that may follow the place
BODY_OF_CLASS = (
    (("公安机关", "警方", "公安"), ("公安局", "公安厅")),
    (("法院",), ("人民法院", "中级人民法院")),
    (("检察机关", "检察院"), ("人民检察院",)),
)
PLACE_LEVEL_WORDS = ("", "市", "省", "县", "区", "州")
# the level of a body by its name, and of a scope word: a figure whose sentence speaks for a
# wider scope (全国共破获…) than the body carried to it (松川市公安局) is not that body's
ORG_LEVELS = (
    (3, re.compile(r"^(?:国家|中国|中央|国务院|最高|全国|国新办)|^(?:市场|[^省市县区州]){1,6}(?:部|总局|总署)")),
    (2, re.compile(r"省|自治区")),
    (1, re.compile(r"市|州|盟")),
    (0, re.compile(r"县|区|旗|镇|乡")),
)
SCOPE_LEVELS = ((3, re.compile(r"全国")), (2, re.compile(r"全省|各省|我省")), (1, re.compile(r"全市|我市")))
# a press office hosts the release of others' results; it is not whose they are
NOT_REPORTING_BODY = re.compile(r"新闻办(?:公室)?$|新闻中心$|^国新办$")
# a company (a bank too, but not the central bank, which imposes penalties), and the words of a
# penalty: a company's penalty is not its result (…公司…处以罚款)
COMPANY_END = re.compile(r"(?:公司|集团|企业|商行|(?<!人民)银行|厂)$")
PENALTY_WORDS = re.compile(r"罚|没收|处以")
# the last word of a complete name of a body (松川市公安局, 青禾县人民法院, 松川警方, 最高检): a
# span from the model that ends otherwise (松川市, 松川市扎, 松川全市) is a fragment, never given
ORG_BODY_END = re.compile(
    rf"(?:{_alternation(CLASS_NOUNS)}|局|厅|部|委|院|检|法|办|队|中心|公司|集团|关|府|所|站|行|署|处|组|会|庭|交管|交警"
    r"|室|社|报|网|台|军|监管|科|部门|检方|系统|组织|机构|专班|政协|人大|联)$"
)
# a party group glued to the title of a person (松川市公安局党委书记, …党组成员): the body is
# the name without it
PARTY_GROUP = re.compile(r"(?:党组|党委)$")
PERSON_TITLE_AFTER = re.compile(r"^(?:副?书记|成员|委员)")
# 据X统计, 从X数据看: X's statistics are the figures of that sentence only; a later 据…数据
# names other data (据网络平台数据…, 从互联网企业数据看), not the body's
STATISTICS_BEFORE = re.compile(r"(?:据|根据|来自|从)\s*$")
STATISTICS_AFTER = re.compile(r"^(?:公布|发布|提供)?(?:的)?(?:统计|数据|监测|测算|抽样)")
OTHER_DATA = re.compile(
    r"(?:另据|(?<!数)据|根据|来自|从)(?!不完全|初步|统计|了解|悉|介绍)[^,，。;；:：]{1,20}?(?:统计|数据|显示|监测|测算)"
)
# a body inside a 在…下 frame (在市委领导,市政府、社会各界支持下,…): it is part of the frame,
# not the subject of the figures after it
FRAME_OPEN = re.compile(r"(?<![现正存实所])在(?!.*[下中]\s*[,，])")
FRAME_CLOSE = re.compile(r"[^。;；!！?？在]*?下\s*[,，]")
# a body that makes rules in its clause (松川市市场监管局制定…办法) speaks for that sentence only:
# the figures after it are not its results
RULE_MAKING_AFTER = re.compile(r"[^,，。;；]{0,6}?(?:制定|修订|出台|印发|颁布|起草)")
# a body after 其中 is a part of the bodies before (全市法院…,其中市中级法院…): its sentence only
PART_LEAD = re.compile(r"其中")
# a province named in a figure's sentence: a body of another province is not whose figure it is
PROVINCE = re.compile(r"([\u4e00-\u9fff]{2})(?<![全我各本该外跨])(?:省|自治区)")
# a campaign in a clause of cause (随着“清链”行动深入推进,…) is no scope of the figures after it
CAUSE_LEAD = re.compile(r"随着|由于|得益于|受益于|经过|在[^,，。]{0,10}推动下")
# nor is one that drives a change (“清链”行动带动全市诈骗发案下降…): the change is credited to it,
# not counted as its result
CAUSE_AFTER = re.compile(r"(?:的)?(?:深入)?(?:开展|推进|实施)?(?:有力|有效)?(?:带动|推动|促进|促使|助推|倒逼)")
# a type word alone or with generic modifiers names no campaign (专项整治行动, 集中统一行动)
GENERIC_CAMPAIGN = re.compile(
    r"^(?:集中|统一|专项|联合|系列|全省|全市|全国)*(?:整治|打击)?(?:行动|整治|宣传月|检查|专案)$"
)
# the first words of a campaign span that are no part of the name: a conjunction, a closing
# quote, or who acts (我市“清链”行动 → “清链”行动)
NOT_CAMPAIGN_START = re.compile(r"^(?:随着|和|与|及|并|[”」』]|[我本][省市县区])+")
# the head nouns of bodies, beyond the class nouns, that a predicted name may be cut inside
# (松川市公安|局, …联席会议办|公室); with the scope word a place may carry (松川全|市公安机关)
ORG_HEAD_NOUNS = CLASS_NOUNS + (
    "公安局", "公安厅", "公安分局", "派出所", "人民法院", "人民检察院", "经侦部门", "交管部门", "委员会",
    "办公室", "领导小组", "联席会议", "指挥部", "管理局", "监督管理局", "部门",
)  # fmt: skip
ORG_TAIL = re.compile(rf"(?:全[省市县区州旗盟]|各级|两级|三级)?(?:{_alternation(ORG_HEAD_NOUNS)})")
# words before a predicted organisation that are no part of its name (据|青禾县禁毒委员会办公室,
# 来自|松川市公安局, 自|5月起, 2003年|…大队, 比|省厅提出的…, 含|分局); 自, 比 and 含 begin names
# too (自然资源部, 自治区…, 自贡市, 比亚迪, 含山县)
ORG_LEAD_NOT_NAME = re.compile(r"(?:来自|据|由|向|从|在|对|与|和|及|年|自(?![然治贡])|比(?![亚特利])|含(?!山))")
# words that follow a name and that the model may take into it (最高检会|同, …办最新|消息,
# 松川海关第三次|获得, 松川市公安侦|查): the name ends before them
NAME_FOLLOWER = re.compile(r"会同|最新|侦查|侦办|网站|第[\d一二三四五六七八九十]+次")
# each of a class (各区应急管理局, 各地公安局): no one body
EACH_BEFORE = re.compile(r"各(?:[省市县区州]|地)?$")
# characters no name of a body ends with: a scope word's first half, a preposition, a particle
# (松川市各|级各部门, 青禾省自|5月1日起)
ORG_END_NOT_NAME = re.compile(r"[各全自在对与和及等的已于两]")
# the central bodies of the party and the state, full and short names, that reports name bare
# (党中央、国务院决策部署, 人社部通报…): an ORG wherever the model found no entity there
KNOWN_BODIES = (
    "党中央", "中共中央", "国务院", "全国人大常委会", "全国人大", "全国政协", "中央纪委", "国家监委", "中央政法委",
    "中央网信办", "国家网信办", "中央宣传部", "中宣部", "最高人民法院", "最高法", "最高人民检察院", "最高检",
    "国务院办公厅", "国务院新闻办公室", "国务院新闻办", "国新办", "外交部", "国防部", "国家发展改革委",
    "国家发改委", "发改委", "教育部", "科技部", "工业和信息化部", "工信部", "国家民委", "公安部", "国家安全部",
    "民政部", "司法部", "财政部", "人力资源和社会保障部", "人力资源社会保障部", "人社部", "自然资源部",
    "生态环境部", "住房和城乡建设部", "住房城乡建设部", "住建部", "交通运输部", "水利部", "农业农村部", "商务部",
    "文化和旅游部", "文旅部", "国家卫生健康委员会", "国家卫生健康委", "国家卫健委", "卫健委", "退役军人事务部",
    "应急管理部", "中国人民银行", "人民银行", "央行", "审计署", "国务院国资委", "国资委", "海关总署",
    "国家税务总局", "税务总局", "国家市场监督管理总局", "国家市场监管总局", "市场监管总局",
    "国家金融监督管理总局", "金融监管总局", "中国证监会", "证监会", "中国银保监会", "银保监会", "国家广电总局",
    "国家体育总局", "国家统计局", "国家医保局", "国家医疗保障局", "国家移民管理局", "国家知识产权局",
    "国家药监局", "国家药品监督管理局", "国家禁毒委员会", "国家禁毒委", "国家消防救援局", "国家邮政局",
    "国家林草局", "国家能源局", "国家外汇管理局", "国家烟草专卖局", "国家反诈中心", "全国妇联", "共青团中央",
    "全国总工会", "中国消费者协会", "中消协",
)  # fmt: skip
# what a known body's name may not run into: a class noun (人社部门), a person's title (部长), the
# body's system of local offices (证监会系统, a name of its own) or an app (国家反诈中心APP)
KNOWN_BODY_NOT_AFTER = re.compile(r"[门长A-Za-z]|系统|网站")
# a place alone is no organisation (松川市, 青禾县, 中国, 湖南), nor a province with the first
# characters of the next words (湖南省扎|实推进, 湖南共侦|办)
PLACE_ONLY = re.compile(
    rf"中国|全国|{_alternation(PROVINCES)}|[\u4e00-\u9fff]{{1,8}}?(?:省|市|县|区|州|自治区|自治州|盟|旗)"
)
# a province named as a place (其中,湖南省破获…; 北京、河北等地…; 天津市…), not the first
# characters of a company's name or a person's origin (湖南某某商贸有限公司, 湖南籍某某)
PROVINCE_NAME = re.compile(rf"(?:{_alternation(PROVINCES)})(?=省|市|自治区|[、,，和及与]|等地)")
PLACE_FRAGMENT = re.compile(rf"(?:{_alternation(PROVINCES)})(?:省|市|自治区)?[\u4e00-\u9fff]{{1,2}}")
# names joined into a list (“云剑”“断卡”等专项行动): no single campaign
NAME_LIST_GLUE = re.compile(r"^\s*(?:[、,，和及与]|以及)?\s*$")
