"""The normaliser against a hand-written table, and properties that must hold for any input."""

import json
import math

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from zh_metrics.corpus.tasks import make_span, make_task, task_to_doc
from zh_metrics.pipeline.normalise import FigureNormaliser, normalise

# (text before, span, text after, label, value, unit, qualifier)
AMOUNTS = [
    # MONEY: magnitudes, currencies, approximations, numerals
    ("止付涉案资金", "7.4亿元", "", "MONEY", 740000000, "元", "exact"),
    ("返还群众涉诈资金", "949.11万元", "", "MONEY", 9491100, "元", "exact"),
    ("冻结", "2.03亿元", "", "MONEY", 203000000, "元", "exact"),
    ("涉案金额", "3000余万元", "", "MONEY", 30000000, "元", "more_than"),
    ("涉案金额", "3000多万元", "", "MONEY", 30000000, "元", "more_than"),
    ("损失", "30万元", "以上", "MONEY", 300000, "元", "more_than"),
    ("资产在", "亿元", "以上的", "MONEY", 100000000, "元", "more_than"),
    ("涉案", "三千二百万元", "", "MONEY", 32000000, "元", "exact"),
    ("罚款", "五万元", "", "MONEY", 50000, "元", "exact"),
    ("挽损", "一百二十万元", "", "MONEY", 1200000, "元", "exact"),
    ("", "１２３４元", "", "MONEY", 1234, "元", "exact"),
    ("", "１２.５万元", "", "MONEY", 125000, "元", "exact"),
    ("追缴", "27,600元", "", "MONEY", 27600, "元", "exact"),
    ("追缴", "２７,６００元", "", "MONEY", 27600, "元", "exact"),
    ("追缴", "1,234,567元", "", "MONEY", 1234567, "元", "exact"),
    ("", "2.7 万元", "", "MONEY", 27000, "元", "exact"),
    ("止付金额", "3000余万", "", "MONEY", 30000000, "元", "more_than"),
    ("被骗", "300余万", "", "MONEY", 3000000, "元", "more_than"),
    ("欧元", "464.6万元", "", "MONEY", 4646000, "欧元", "exact"),
    ("违规金额", "3200余万美元", "", "MONEY", 32000000, "美元", "more_than"),
    ("", "86万美元", "", "MONEY", 860000, "美元", "exact"),
    ("", "1.5亿港元", "", "MONEY", 150000000, "港元", "exact"),
    ("", "5000万日元", "", "MONEY", 50000000, "日元", "exact"),
    ("人民币", "3000万元", "", "MONEY", 30000000, "元", "exact"),
    ("约", "3.6亿元", "", "MONEY", 360000000, "元", "about"),
    ("近", "2亿元", "", "MONEY", 200000000, "元", "less_than"),
    ("不足", "5万元", "", "MONEY", 50000, "元", "less_than"),
    ("超过", "120亿元", "", "MONEY", 12000000000, "元", "more_than"),
    ("逾", "10亿元", "", "MONEY", 1000000000, "元", "more_than"),
    ("", "50万元", "左右", "MONEY", 500000, "元", "about"),
    ("", "1.1亿余元", "", "MONEY", 110000000, "元", "more_than"),
    ("", "3793亿余元", "", "MONEY", 379300000000, "元", "more_than"),
    ("", "129万余元", "", "MONEY", 1290000, "元", "more_than"),
    ("", "60.945万元", "", "MONEY", 609450, "元", "exact"),
    ("", "21.58万亿元", "", "MONEY", 21580000000000, "元", "exact"),
    ("", "七点四亿元", "", "MONEY", 740000000, "元", "exact"),
    ("", "两千元", "", "MONEY", 2000, "元", "exact"),
    ("每条", "二角", "", "MONEY", 0.2, "元", "exact"),
    ("", "5角", "", "MONEY", 0.5, "元", "exact"),
    ("涉案金额", "几百亿", "", "MONEY", None, None, None),
    ("", "数十万元", "", "MONEY", None, None, None),
    ("", "9.72元", "", "MONEY", 9.72, "元", "exact"),
    ("", "0.5元", "", "MONEY", 0.5, "元", "exact"),
    ("", "500元", "", "MONEY", 500, "元", "exact"),
    ("", "1000万元", "", "MONEY", 10000000, "元", "exact"),
    ("", "千万元", "", "MONEY", 10000000, "元", "exact"),
    ("", "万元", "以上", "MONEY", 10000, "元", "more_than"),
    # COUNT: measure words, magnitudes, numerals
    ("破获案件", "202起", "", "COUNT", 202, "起", "exact"),
    ("抓获", "176人", "", "COUNT", 176, "人", "exact"),
    ("开展", "1300余场次", "", "COUNT", 1300, "场次", "more_than"),
    ("发放", "80余万份", "", "COUNT", 800000, "份", "more_than"),
    ("", "40余部", "", "COUNT", 40, "部", "more_than"),
    ("", "13批", "", "COUNT", 13, "批", "exact"),
    ("", "7315人", "", "COUNT", 7315, "人", "exact"),
    ("近", "2万起", "", "COUNT", 20000, "起", "less_than"),
    ("约", "3000人", "", "COUNT", 3000, "人", "about"),
    ("", "3000人", "左右", "COUNT", 3000, "人", "about"),
    ("共查处相关案件近", "60万件", "", "COUNT", 600000, "件", "less_than"),
    ("", "1万余名", "", "COUNT", 10000, "名", "more_than"),
    ("", "1.2万余起", "", "COUNT", 12000, "起", "more_than"),
    ("", "39.4万起", "", "COUNT", 394000, "起", "exact"),
    ("", "63.4万名", "", "COUNT", 634000, "名", "exact"),
    ("", "21亿次", "", "COUNT", 2100000000, "次", "exact"),
    ("", "24.2亿条", "", "COUNT", 2420000000, "条", "exact"),
    ("", "10万余人次", "", "COUNT", 100000, "人次", "more_than"),
    ("", "970.7万人次", "", "COUNT", 9707000, "人次", "exact"),
    ("", "16.5吨", "", "COUNT", 16.5, "吨", "exact"),
    ("", "57.6公斤", "", "COUNT", 57.6, "公斤", "exact"),
    ("", "5千克", "", "COUNT", 5, "千克", "exact"),
    ("", "12.6公里", "", "COUNT", 12.6, "公里", "exact"),
    ("", "300余万粒", "", "COUNT", 3000000, "粒", "more_than"),
    ("", "2921763批次", "", "COUNT", 2921763, "批次", "exact"),
    ("", "18.2万艘次", "", "COUNT", 182000, "艘次", "exact"),
    ("", "5大类", "", "COUNT", 5, "大类", "exact"),
    ("", "八类", "", "COUNT", 8, "类", "exact"),
    ("", "四类", "", "COUNT", 4, "类", "exact"),
    ("", "两个", "", "COUNT", 2, "个", "exact"),
    ("", "十二起", "", "COUNT", 12, "起", "exact"),
    ("", "三批", "", "COUNT", 3, "批", "exact"),
    ("", "两万余人", "", "COUNT", 20000, "人", "more_than"),
    ("", "一百二十六名", "", "COUNT", 126, "名", "exact"),
    ("", "四百余起", "", "COUNT", 400, "起", "more_than"),
    ("", "十余次", "", "COUNT", 10, "次", "more_than"),
    ("", "二十多家", "", "COUNT", 20, "家", "more_than"),
    ("", "1,234人", "", "COUNT", 1234, "人", "exact"),
    ("", "１２３４人", "", "COUNT", 1234, "人", "exact"),
    ("", "2.7 万个", "", "COUNT", 27000, "个", "exact"),
    ("", "76.65万", "农民工", "COUNT", 766500, "", "exact"),
    ("为", "2.32万", "农民工", "COUNT", 23200, "", "exact"),
    ("组织", "1.2亿", "电话用户", "COUNT", 120000000, "", "exact"),
    ("播放量突破", "百万", "", "COUNT", 1000000, "", "more_than"),
    ("超过", "百名", "", "COUNT", 100, "名", "more_than"),
    ("", "千余人(家)次", "", "COUNT", 1000, "人(家)次", "more_than"),
    ("", "9700多万张", "", "COUNT", 97000000, "张", "more_than"),
    ("", "1.73亿多次", "", "COUNT", 173000000, "次", "more_than"),
    ("", "2亿余条", "", "COUNT", 200000000, "条", "more_than"),
    ("一次死亡", "5人", "以上", "COUNT", 5, "人", "more_than"),
    ("", "数百名", "", "COUNT", None, None, None),
    ("", "几十万人", "", "COUNT", None, None, None),
    ("", "若干起", "", "COUNT", None, None, None),
    ("", "28微克/立方米", "", "COUNT", 28, "微克/立方米", "exact"),
    ("", "321天", "", "COUNT", 321, "天", "exact"),
    ("", "5,660.9万亩", "", "COUNT", 56609000, "亩", "exact"),
    ("", "一名", "", "COUNT", 1, "名", "exact"),
    ("", "1起", "", "COUNT", 1, "起", "exact"),
    ("", "〇起", "", "COUNT", 0, "起", "exact"),
    ("", "零起", "", "COUNT", 0, "起", "exact"),
    ("", "3至5人", "", "COUNT", 3, "人", "range"),
    ("", "20万元至50万元", "", "MONEY", 200000, "元", "range"),
    ("", "20至50万元", "", "MONEY", 200000, "元", "range"),
    ("", "3~5家", "", "COUNT", 3, "家", "range"),
]

# Every form of issue 14, in our own examples:
# (text before, span, text after, label, value, value_max, unit, qualifier, currency)
FORMS = [
    # mixed magnitudes
    ("松川市冻结", "1亿5000万元", "", "MONEY", 150000000, None, "元", "exact", "CNY"),
    ("", "一亿五千万元", "", "MONEY", 150000000, None, "元", "exact", "CNY"),
    ("接待游客", "两亿三千万人次", "", "COUNT", 230000000, None, "人次", "exact", None),
    ("", "3亿零50万元", "", "MONEY", 300500000, None, "元", "exact", "CNY"),
    ("", "一亿零五百万元", "", "MONEY", 105000000, None, "元", "exact", "CNY"),
    ("", "一万零五百元", "", "MONEY", 10500, None, "元", "exact", "CNY"),
    ("", "三万五千人", "", "COUNT", 35000, None, "人", "exact", None),
    ("", "三万五", "", "COUNT", 35000, None, "", "exact", None),
    ("", "1万2千元", "", "MONEY", 12000, None, "元", "exact", "CNY"),
    ("", "2万4000元", "", "MONEY", 24000, None, "元", "exact", "CNY"),
    ("", "1.2万亿元", "", "MONEY", 1200000000000, None, "元", "exact", "CNY"),
    ("", "一百二十万零三百人", "", "COUNT", 1200300, None, "人", "exact", None),
    ("", "两千六百", "", "COUNT", 2600, None, "", "exact", None),
    ("", "两千六", "", "COUNT", 2600, None, "", "exact", None),
    ("", "一百一十人", "", "COUNT", 110, None, "人", "exact", None),
    ("", "一千零五起", "", "COUNT", 1005, None, "起", "exact", None),
    ("", "一千零五十起", "", "COUNT", 1050, None, "起", "exact", None),
    # a gap after 亿 with neither 零 nor 万 (一亿五千: 100,005,000 or 1.5亿?) is refused
    ("", "一亿五千元", "", "MONEY", None, None, None, None, None),
    ("", "1亿5000元", "", "MONEY", None, None, None, None, None),
    ("", "1亿零5000元", "", "MONEY", 100005000, None, "元", "exact", "CNY"),
    ("", "1亿50000000元", "", "MONEY", 150000000, None, "元", "exact", "CNY"),
    # a decimal before a magnitude with more after it
    ("", "1.5亿3000万元", "", "MONEY", None, None, None, None, None),
    # ranges: complete low ends, borrowed magnitudes, 千/百, every separator
    ("", "5000至1万人", "", "COUNT", 5000, 10000, "人", "range", None),
    ("", "三到四千", "名", "COUNT", 3000, 4000, "", "range", None),
    ("", "五~6百", "", "COUNT", 500, 600, "", "range", None),
    ("", "三至五千万元", "", "MONEY", 30000000, 50000000, "元", "range", "CNY"),
    ("", "三十至五十万元", "", "MONEY", 300000, 500000, "元", "range", "CNY"),
    ("", "一百至一百五十万人", "", "COUNT", 1000000, 1500000, "人", "range", None),
    ("", "八至十二亿元", "", "MONEY", 800000000, 1200000000, "元", "range", "CNY"),
    ("", "三到四十名", "", "COUNT", 3, 40, "名", "range", None),
    ("", "2万元--8万元", "", "MONEY", 20000, 80000, "元", "range", "CNY"),
    ("", "2万元——8万元", "", "MONEY", 20000, 80000, "元", "range", "CNY"),
    ("", "2万元～8万元", "", "MONEY", 20000, 80000, "元", "range", "CNY"),
    ("", "2万—8万元", "", "MONEY", 20000, 80000, "元", "range", "CNY"),
    ("", "20万到50万元", "", "MONEY", 200000, 500000, "元", "range", "CNY"),
    ("", "1.5万到2万美元", "", "MONEY", 15000, 20000, "美元", "range", "USD"),
    ("", "从1500到3万港元不等", "", "MONEY", 1500, 30000, "港元", "range", "HKD"),
    ("", "8至5人", "", "COUNT", None, None, None, None, None),
    ("", "3万元至5万美元", "", "MONEY", None, None, None, None, None),
    # adjacent numerals are a range
    ("涉案", "六七亿元", "", "MONEY", 600000000, 700000000, "元", "range", "CNY"),
    ("", "两三百人", "", "COUNT", 200, 300, "人", "range", None),
    ("", "五六千起", "", "COUNT", 5000, 6000, "起", "range", None),
    ("", "六七十万", "", "COUNT", 600000, 700000, "", "range", None),
    ("", "十七八万人", "", "COUNT", 170000, 180000, "人", "range", None),
    ("", "三五家", "", "COUNT", 3, 5, "家", "range", None),
    ("", "一两个", "", "COUNT", 1, 2, "个", "range", None),
    ("", "一百五六十人", "", "COUNT", 150, 160, "人", "range", None),
    # 几 inside a number: more than the lower bound; at the front: vague
    ("", "三十几万元", "", "MONEY", 300000, None, "元", "more_than", "CNY"),
    ("", "十几名", "", "COUNT", 10, None, "名", "more_than", None),
    ("", "一百几十起", "", "COUNT", 100, None, "起", "more_than", None),
    ("", "几十万元", "", "MONEY", None, None, None, None, None),
    # 来 after a unit: about
    ("", "二十来人", "", "COUNT", 20, None, "人", "about", None),
    # 个亿
    ("损失", "三个亿", "", "MONEY", 300000000, None, "元", "exact", "CNY"),
    ("", "两个多亿", "", "MONEY", 200000000, None, "元", "more_than", "CNY"),
    # traditional characters
    ("", "伍佰陆拾萬", "", "MONEY", 5600000, None, "元", "exact", "CNY"),
    ("", "兩萬元", "", "MONEY", 20000, None, "元", "exact", "CNY"),
    ("", "三億元", "", "MONEY", 300000000, None, "元", "exact", "CNY"),
    ("", "1200餘萬元", "", "MONEY", 12000000, None, "元", "more_than", "CNY"),
    ("", "貳仟參佰萬港幣", "", "MONEY", 23000000, None, "港元", "exact", "HKD"),
    ("約", "五萬人", "", "COUNT", 50000, None, "人", "about", None),
    # 半
    ("", "半吨", "", "COUNT", 0.5, None, "吨", "exact", None),
    ("", "一吨半", "", "COUNT", 1.5, None, "吨", "exact", None),
    ("", "两个半", "", "COUNT", 2.5, None, "个", "exact", None),
    ("", "一块半", "", "MONEY", 1.5, None, "元", "exact", "CNY"),
    ("", "半数", "", "COUNT", None, None, None, None, None),
    # money sub-units as decimals of 元
    ("", "256元3角5分", "", "MONEY", 256.35, None, "元", "exact", "CNY"),
    ("", "二十块五毛", "", "MONEY", 20.5, None, "元", "exact", "CNY"),
    ("", "贰拾叁元肆角", "", "MONEY", 23.4, None, "元", "exact", "CNY"),
    ("", "伍角陆分", "", "MONEY", 0.56, None, "元", "exact", "CNY"),
    ("", "12元零5分", "", "MONEY", 12.05, None, "元", "exact", "CNY"),
    ("", "三十五块八", "", "MONEY", 35.8, None, "元", "exact", "CNY"),
    ("", "三毛五", "", "MONEY", 0.35, None, "元", "exact", "CNY"),
    ("", "五毛钱", "", "MONEY", 0.5, None, "元", "exact", "CNY"),
    ("", "壹仟贰佰元整", "", "MONEY", 1200, None, "元", "exact", "CNY"),
    ("", "叁佰圆整", "", "MONEY", 300, None, "元", "exact", "CNY"),
    ("", "5分3角", "", "MONEY", None, None, None, None, None),
    ("", "3美元5角", "", "MONEY", None, None, None, None, None),
    # currencies: one Chinese name per currency, an ISO-like code, aliases, names before the number
    ("", "5000万越南盾", "", "MONEY", 50000000, None, "越南盾", "exact", "VND"),
    ("", "12万林吉特", "", "MONEY", 120000, None, "林吉特", "exact", "MYR"),
    ("", "8万美金", "", "MONEY", 80000, None, "美元", "exact", "USD"),
    ("", "300万台币", "", "MONEY", 3000000, None, "新台币", "exact", "TWD"),
    ("", "300万新台币", "", "MONEY", 3000000, None, "新台币", "exact", "TWD"),
    ("", "45万港币", "", "MONEY", 450000, None, "港元", "exact", "HKD"),
    ("", "6亿元人民币", "", "MONEY", 600000000, None, "元", "exact", "CNY"),
    ("", "1000块钱", "", "MONEY", 1000, None, "元", "exact", "CNY"),
    ("", "$85", "", "MONEY", 85, None, "美元", "exact", "USD"),
    ("", "￥5600", "", "MONEY", 5600, None, "元", "exact", "CNY"),
    ("英镑", "30万元", "", "MONEY", 300000, None, "英镑", "exact", "GBP"),
    ("新台币", "30万元", "", "MONEY", 300000, None, "新台币", "exact", "TWD"),
    ("", "3500元/吨", "", "MONEY", 3500, None, "元/吨", "exact", "CNY"),
    ("", "5k元", "", "MONEY", 5000, None, "元", "exact", "CNY"),
    ("", "1.2w美元", "", "MONEY", 12000, None, "美元", "exact", "USD"),
    ("", "5kW", "", "COUNT", 5, None, "kW", "exact", None),
    ("", "300万比索", "", "MONEY", None, None, None, None, None),
    ("", "40万第纳尔", "", "MONEY", None, None, None, None, None),
    ("较去年增加", "300万美元", "", "COUNT", 3000000, None, "美元", "exact", "USD"),
    ("", "5块", "", "COUNT", 5, None, "块", "exact", None),
    # qualifier words
    ("损失小于", "5万元", "", "MONEY", 50000, None, "元", "less_than", "CNY"),
    ("低于", "3000元", "", "MONEY", 3000, None, "元", "less_than", "CNY"),
    ("少于", "30人", "", "COUNT", 30, None, "人", "less_than", None),
    ("不少于", "30人", "", "COUNT", 30, None, "人", "more_than", None),
    ("不超过", "30人", "", "COUNT", 30, None, "人", "less_than", None),
    ("至少", "3万元", "", "MONEY", 30000, None, "元", "more_than", "CNY"),
    ("", "3000人", "上下", "COUNT", 3000, None, "人", "about", None),
    ("", "5人", "（含）以上", "COUNT", 5, None, "人", "more_than", None),
    ("", "5人", "及以上", "COUNT", 5, None, "人", "more_than", None),
    ("", "10万元", "以内", "MONEY", 100000, None, "元", "less_than", "CNY"),
    # words the rules keep outside, when a span holds them anyway
    ("", "约4.5万美元", "", "MONEY", 45000, None, "美元", "about", "USD"),
    ("", "人民币3000万元", "", "MONEY", 30000000, None, "元", "exact", "CNY"),
    ("", "近2万起", "", "COUNT", 20000, None, "起", "less_than", None),
    ("", "5人以上", "", "COUNT", 5, None, "人", "more_than", None),
    # Chinese numerals in other writings
    ("", "一七二零人", "", "COUNT", 1720, None, "人", "exact", None),
    ("", "十一十二", "", "COUNT", None, None, None, None, None),
    ("", "二十二十", "", "COUNT", None, None, None, None, None),
    ("", "廿二人", "", "COUNT", 22, None, "人", "exact", None),
    ("", "一百点五吨", "", "COUNT", 100.5, None, "吨", "exact", None),
    ("", "零点零五吨", "", "COUNT", 0.05, None, "吨", "exact", None),
    ("", "一千二百三十四点五六万元", "", "MONEY", 12345600, None, "元", "exact", "CNY"),
    ("", "零点吨", "", "COUNT", None, None, None, None, None),
    # 35 digits are kept exactly (the sign is a multiplication); 41 characters are no figure
    ("", "-" + "1" * 35 + "起", "", "COUNT", -int("1" * 35), None, "起", "exact", None),
    ("", "1" * 41 + "起", "", "COUNT", None, None, None, None, None),
]

# (text before, span, text after, label, value, value_max, unit, qualifier, basis)
FORMS_OF_SHARES = [
    ("同比下降", "百分之十五", "", "RATE", -0.15, None, "ratio", "exact", "同比"),
    ("上升了", "百分之七", "", "RATE", 0.07, None, "ratio", "exact", None),
    ("环比下降", "百分之零点五", "", "RATE", -0.005, None, "ratio", "exact", "环比"),
    ("同比增长", "-6.4%", "", "RATE", -0.064, None, "ratio", "exact", "同比"),
    ("同比增长", "+6.4%", "", "RATE", 0.064, None, "ratio", "exact", "同比"),
    ("同比下降", "-2%", "", "RATE", 0.02, None, "ratio", "exact", "同比"),
    ("增速为", "-3.2%", "", "PERCENT", -0.032, None, "ratio", "exact", None),
    ("下降", "四分之一", "", "RATE", -0.25, None, "ratio", "exact", None),
    ("占", "四分之一", "", "PERCENT", 0.25, None, "ratio", "exact", None),
    ("占", "五分之二", "", "PERCENT", 0.4, None, "ratio", "exact", None),
    ("占", "3/4", "", "PERCENT", 0.75, None, "ratio", "exact", None),
    ("超过", "三分之二", "", "PERCENT", 2 / 3, None, "ratio", "more_than", None),
    ("", "3‰", "", "PERCENT", 0.003, None, "ratio", "exact", None),
    ("", "三成半", "", "PERCENT", 0.35, None, "ratio", "exact", None),
    ("", "百分之三十几", "", "PERCENT", 0.3, None, "ratio", "more_than", None),
    ("增长", "两倍半", "", "RATE", 2.5, None, "ratio", "exact", None),
    ("同比下降", "3%至5%", "", "RATE", -0.03, -0.05, "ratio", "range", "同比"),
    ("", "百分之三到百分之五", "", "PERCENT", 0.03, 0.05, "ratio", "range", None),
    ("", "3-5%", "", "PERCENT", 0.03, 0.05, "ratio", "range", None),
    ("", "零分之三", "", "PERCENT", None, None, None, None, None),
    ("", "3/0", "", "PERCENT", None, None, None, None, None),
    ("", "同比下降3.1%", "", "RATE", -0.031, None, "ratio", "exact", "同比"),
]

# the ISO-like code of each currency name a table row above uses, written by hand
CODES = {"元": "CNY", "美元": "USD", "港元": "HKD", "欧元": "EUR", "日元": "JPY"}


@pytest.mark.parametrize("before,span,after,label,value,value_max,unit,qualifier,currency", FORMS)
def test_forms(before, span, after, label, value, value_max, unit, qualifier, currency):
    result = normalise(span, label, before, after)
    if value is None:
        assert result.value is None and result.error, result
        return
    assert result.error is None, result.error
    assert result.value == pytest.approx(value, rel=1e-12) and type(result.value) is type(value)
    assert result.value_max == (None if value_max is None else pytest.approx(value_max, rel=1e-12))
    assert (result.unit, result.qualifier, result.currency) == (unit, qualifier, currency)


@pytest.mark.parametrize("before,span,after,label,value,value_max,unit,qualifier,basis", FORMS_OF_SHARES)
def test_forms_of_shares(before, span, after, label, value, value_max, unit, qualifier, basis):
    result = normalise(span, label, before, after)
    if value is None:
        assert result.value is None and result.error, result
        return
    assert result.error is None, result.error
    assert result.value == pytest.approx(value, rel=1e-12)
    assert result.value_max == (None if value_max is None else pytest.approx(value_max, rel=1e-12))
    assert (result.unit, result.qualifier, result.basis, result.currency) == (unit, qualifier, basis, None)


# (text before, span, text after, value, unit, basis, qualifier)
RATES = [
    ("破获电信网络诈骗案件202起,环比上升", "132.18%", "", 1.3218, "ratio", "环比", "exact"),
    ("发案数同比下降", "3.1%", "", -0.031, "ratio", "同比", "exact"),
    ("同比上升", "999.3%", "", 9.993, "ratio", "同比", "exact"),
    ("同比增长", "3.01倍", "", 3.01, "ratio", "同比", "exact"),
    ("增长", "8倍", "", 8, "ratio", None, "exact"),
    ("惩戒人数是1月~10月的", "两倍多", "", 1, "ratio", None, "more_than"),
    ("是2019年春运同期的", "18倍多", "", 17, "ratio", None, "more_than"),
    ("涉嫌偷逃税款2.9亿元,是去年同期的", "1.6倍", "", 0.6, "ratio", None, "exact"),
    ("相当于上年的", "3倍", "", 2, "ratio", None, "exact"),
    # a share of an earlier period's figure: 80% of it is a change of −20%
    ("受理投诉量是去年同期的", "80%", "", -0.2, "ratio", None, "exact"),
    ("今年查处案件已超过上年全年总数的", "85%", "", -0.15, "ratio", None, "exact"),
    ("同比增长到", "3倍", "", 2, "ratio", "同比", "exact"),
    ("增至", "2倍", "", 1, "ratio", None, "exact"),
    ("同比减少", "3起", "", -3, "起", "同比", "exact"),
    ("较去年增加", "1200万元", "", 12000000, "元", None, "exact"),
    ("同比多增", "1.47万亿元", "", 1470000000000, "元", "同比", "exact"),
    ("同比少增", "3.7万亿元", "", -3700000000000, "元", "同比", "exact"),
    ("下降", "2.3个百分点", "", -2.3, "percentage_point", None, "exact"),
    ("同比提高", "5.2个百分点", "", 5.2, "percentage_point", "同比", "exact"),
    ("较去年同期下降", "0.96个百分点", "", -0.96, "percentage_point", None, "exact"),
    ("请再审率同比下降", "0.29个百分点", "", -0.29, "percentage_point", "同比", "exact"),
    ("复吸率下降", "三成", "", -0.3, "ratio", None, "exact"),
    ("同比增长", "两成", "", 0.2, "ratio", "同比", "exact"),
    ("缩短", "一半", "", -0.5, "ratio", None, "exact"),
    ("减少", "一半", "以上", -0.5, "ratio", None, "more_than"),
    ("违法行为同比上升", "100%", "以上", 1, "ratio", "同比", "more_than"),
    ("降幅达", "39%", "", -0.39, "ratio", None, "exact"),
    ("增幅达", "12.5%", "", 0.125, "ratio", None, "exact"),
    ("比上年分别上升", "4.4%", "", 0.044, "ratio", None, "exact"),
    ("环比分别下降了", "7.3%", "", -0.073, "ratio", "环比", "exact"),
    ("同比回落", "1.2%", "", -0.012, "ratio", "同比", "exact"),
    ("环比降低", "６.４％", "", -0.064, "ratio", "环比", "exact"),
    ("上升", "十二个百分点", "", 12, "percentage_point", None, "exact"),
    ("增长", "3至5倍", "", 3, "ratio", None, "range"),
    ("较上年下降", "3微克/立方米", "", -3, "微克/立方米", None, "exact"),
    ("去年同期多增", "4.6万", "", 46000, "", None, "exact"),
    ("同比下降", "28.08%", "", -0.2808, "ratio", "同比", "exact"),
    ("同比上升", "0.5%", "", 0.005, "ratio", "同比", "exact"),
]

# 分别 lists: the direction and basis written once before the list hold for every rate.
LISTS = [
    ("破获案件20万起、抓获16.3万人,同比分别上升{}、{}。", ["52.7%", "123.3%"], [0.527, 1.233], "同比"),
    ("同比分别下降{}和{}。", ["44.44%", "50%"], [-0.4444, -0.5], "同比"),
    ("环比分别下降了{}、{}和{}。", ["7.3%", "13.4%", "20%"], [-0.073, -0.134, -0.2], "环比"),
    ("比上年分别上升{}和{}。", ["4.4%", "5.1%"], [0.044, 0.051], None),
    ("同比分别上升{}、{}、{}。", ["10%", "16.4%", "24.7%"], [0.1, 0.164, 0.247], "同比"),
    ("同比分别减少{}和{}。", ["3起", "12人"], [-3, -12], "同比"),
]

# (text before, span, text after, value)
PERCENTS = [
    ("破案率", "60.72%", "", 0.6072),
    ("占全部刑事案件的", "32.13%", "", 0.3213),
    ("", "100%", "全部破获", 1),
    ("合格率", "98.6%", "", 0.986),
    ("占到", "一半", "以上", 0.5),
    ("不合格率为", "2.40%", "", 0.024),
    ("查结率为", "99.49%", "", 0.9949),
    ("占比", "三成", "", 0.3),
    ("超过", "八成", "", 0.8),
    ("", "98.62%", "", 0.9862),
    ("", "０.４３％", "", 0.0043),
    ("占", "千分之三", "", 0.003),
    ("占", "百分之五十", "", 0.5),
    ("占比达", "21.2%", "", 0.212),
]


@pytest.mark.parametrize("before,span,after,label,value,unit,qualifier", AMOUNTS)
def test_amounts(before, span, after, label, value, unit, qualifier):
    result = normalise(span, label, before, after)
    if value is None:
        assert result.value is None and result.error
        return
    assert result.error is None
    assert result.value == pytest.approx(value, rel=1e-12) and type(result.value) is type(value)
    assert (result.unit, result.qualifier) == (unit, qualifier)
    assert result.currency == (CODES[unit] if label == "MONEY" else None)


@pytest.mark.parametrize("before,span,after,value,unit,basis,qualifier", RATES)
def test_rates(before, span, after, value, unit, basis, qualifier):
    result = normalise(span, "RATE", before, after)
    assert result.value == pytest.approx(value, rel=1e-12)
    assert (result.unit, result.basis, result.qualifier) == (unit, basis, qualifier)


@pytest.mark.parametrize("before,span,after,value", PERCENTS)
def test_percents(before, span, after, value):
    result = normalise(span, "PERCENT", before, after)
    assert result.value == pytest.approx(value, rel=1e-12)
    assert result.unit == "ratio" and result.basis is None


def doc_with_spans(text, spans):
    nlp = spacy.blank("zh")
    doc = task_to_doc(nlp.vocab, make_task(text, spans))
    return FigureNormaliser()(doc)


@pytest.mark.parametrize("template,rates,values,basis", LISTS)
def test_respectively_lists_share_direction_and_basis(template, rates, values, basis):
    text = template.format(*rates)
    spans, pos = [], 0
    for rate in rates:
        start = text.index(rate, pos)
        spans.append(make_span(start, start + len(rate), "RATE"))
        pos = start + len(rate)
    doc = doc_with_spans(text, spans)
    assert [ent._.value for ent in doc.ents] == pytest.approx(values)
    assert {ent._.basis for ent in doc.ents} == {basis}


def test_component_sets_every_field_and_range_end():
    text = "罚金20万元至50万元,同比增长3至5倍"
    doc = doc_with_spans(text, [make_span(2, 11, "MONEY"), make_span(16, 20, "RATE")])
    money, rate = doc.ents
    assert (money._.value, money._.value_max, money._.unit, money._.qualifier) == (200000, 500000, "元", "range")
    assert (rate._.value, rate._.value_max, rate._.basis) == (3, 5, "同比")


def test_component_sets_currency_and_predict_carries_it():
    from zh_metrics.corpus.tasks import prediction_task

    text = "青禾县追回8万美金和3万元,查获12起"
    doc = doc_with_spans(text, [make_span(5, 9, "MONEY"), make_span(10, 13, "MONEY"), make_span(16, 19, "COUNT")])
    assert [(e.text, e._.unit, e._.currency) for e in doc.ents] == [
        ("8万美金", "美元", "USD"),
        ("3万元", "元", "CNY"),
        ("12起", "起", None),
    ]
    spans = prediction_task(doc)["spans"]
    assert [s.get("currency") for s in spans] == ["USD", "CNY", None]
    assert "currency" not in spans[2]


def test_unreadable_span_gets_a_reason_not_an_exception():
    doc = doc_with_spans("涉案金额几百亿元", [make_span(4, 8, "MONEY")])
    ent = doc.ents[0]
    assert ent._.value is None and "vague" in ent._.value_error


DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """A plain Chinese numeral for 0 < n < 10000, written independently of the normaliser."""
    out, units = "", ["千", "百", "十", ""]
    digits = f"{n:04d}"
    zero = False
    for d, u in zip(digits, units):
        if d == "0":
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[int(d)] + u
    return out


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=9999),
    st.sampled_from(["", "万", "亿"]),
    st.sampled_from(["起", "人", "元", "万元"]),
)
def test_arabic_and_chinese_numerals_agree(n, magnitude, unit):
    label = "MONEY" if unit.endswith("元") else "COUNT"
    arabic = normalise(f"{n}{magnitude}{unit}", label)
    han = normalise(f"{chinese(n)}{magnitude}{unit}", label)
    assert arabic.value == han.value and arabic.unit == han.unit


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**12), st.sampled_from(["起", "人", "元", "万元", "亿元", "余起", "多万元"])
)
def test_money_and_count_are_never_negative(n, unit):
    label = "MONEY" if unit.endswith("元") else "COUNT"
    result = normalise(f"{n:,}{unit}", label, "同比下降", "")
    assert result.value is not None and result.value >= 0


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=30),
    st.sampled_from(["MONEY", "COUNT", "PERCENT", "RATE"]),
    st.text(max_size=8),
    st.text(max_size=8),
)
def test_normalise_never_raises(span, label, before, after):
    result = normalise(span, label, before, after)
    assert (result.value is None) == (result.error is not None) or result.value is not None
    if result.value is not None:
        assert not (isinstance(result.value, float) and math.isnan(result.value))


@pytest.mark.parametrize("text", ["万" * 3000, "亿万" * 3000, "一" * 3000, "十" * 3000, "1" * 3000 + "元", "约" * 3000])
@pytest.mark.parametrize("label", ["MONEY", "COUNT", "PERCENT", "RATE"])
def test_long_spans_never_raise(text, label):
    result = normalise(text, label, "同比下降", "以上")
    assert (result.value is None) == (result.error is not None)


@pytest.mark.parametrize(
    "text,before,label",
    [
        ("约{}", "", "RATE"),
        ("约{}3人", "", "COUNT"),
        ("3倍", "是{}", "RATE"),
        ("是{}3倍", "", "RATE"),
        ("1{}元", "", "MONEY"),
    ],
)
def test_long_spans_and_contexts_take_linear_time(text, before, label):
    """A span or context eight times as long takes about eight times as long, not sixty-four."""
    import time

    def seconds(n: int) -> float:
        repeat = text[text.index("{") - 1] if "{" in text else before[before.index("{") - 1]
        span, context = (t.replace(repeat + "{}", repeat * n) for t in (text, before))
        start = time.perf_counter()
        normalise(span, label, context, "以上" * n)
        return time.perf_counter() - start

    seconds(500)  # warm up
    assert seconds(16000) < 24 * min(seconds(2000) for _ in range(3)) + 0.02


def test_check_normaliser_reports_disagreements(tmp_path):
    from zh_metrics.measure.evaluate import check_normaliser

    text = "冻结资金7.4亿元,抓获近2万人。"
    spans = [make_span(4, 9, "MONEY", value=740000000, unit="元"), make_span(13, 16, "COUNT", value=2000, unit="人")]
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(make_task(text, spans), ensure_ascii=False) + "\n", encoding="utf8")
    compared, disagreements = check_normaliser(path)
    assert compared == 2 and len(disagreements) == 1
    assert disagreements[0].startswith(f"{path}:1: COUNT [2万人] gold 2000 '人', normaliser 20000 '人'")


@pytest.mark.parametrize(
    "text,spans,labels",
    [
        ("不合格率分别为0.37%、0.58%、0.81%", [(7, 12), (13, 18), (19, 24)], ["PERCENT", "PERCENT", "PERCENT"]),
        ("同比分别上升31.5%和64.2%", [(6, 11), (12, 17)], ["RATE", "RATE"]),
        ("环比下降,降幅达42%", [(8, 11)], ["RATE"]),
        ("由2013年的86.35%上升至2022年的97.48%", [(7, 13), (22, 28)], ["PERCENT", "PERCENT"]),
        ("不合格率为3.15%,较2023年同期下降0.27个百分点", [(5, 10), (21, 29)], ["PERCENT", "RATE"]),
        ("破案率60.72%,同比上升95.87%", [(3, 9), (14, 20)], ["PERCENT", "RATE"]),
        # a share of an earlier period's figure is a change; a share of a total or a base is a level
        ("今年查处案件已超过上年全年总数的85%", [(16, 19)], ["RATE"]),
        ("农资抽检批次是去年同期的92.5%", [(12, 17)], ["RATE"]),
        ("分别占全省同期总数的61.5%和63.2%", [(10, 15), (16, 21)], ["PERCENT", "PERCENT"]),
        ("占比由去年的14.3%降至9.6%", [(6, 11), (13, 17)], ["PERCENT", "PERCENT"]),
        ("通关时间较上年压缩12.6%,受益面同比扩大4.2个百分点", [(9, 14), (22, 29)], ["RATE", "RATE"]),
    ],
)
def test_level_or_change_follows_the_words_before(text, spans, labels):
    from zh_metrics.pipeline.rules import LevelOrChange

    nlp = spacy.blank("zh")
    wrong = ["RATE" if label == "PERCENT" else "PERCENT" for label in labels]
    doc = task_to_doc(nlp.vocab, make_task(text, [make_span(s, e, w) for (s, e), w in zip(spans, wrong)]))
    doc = LevelOrChange()(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [(text[s:e], label) for (s, e), label in zip(spans, labels)]


def test_a_list_of_multiples_and_a_percentage_shares_the_change_word_before_it():
    from zh_metrics.pipeline.rules import LevelOrChange

    text = "两类案件同比分别上升1.2倍、2.6倍和48.5%"
    marked = [("1.2倍", "RATE"), ("2.6倍", "RATE"), ("48.5%", "PERCENT")]
    spans = [make_span(text.index(s), text.index(s) + len(s), label) for s, label in marked]
    doc = LevelOrChange()(task_to_doc(spacy.blank("zh").vocab, make_task(text, spans)))
    assert [(e.text, e.label_) for e in doc.ents] == [("1.2倍", "RATE"), ("2.6倍", "RATE"), ("48.5%", "RATE")]


@pytest.mark.parametrize(
    "text,label,kept",
    [
        ("扫黑除恶专项斗争", "CAMPAIGN", True),
        ("“断卡”行动", "CAMPAIGN", True),
        ("“云剑”", "CAMPAIGN", True),
        ("“断卡行动2.0”", "CAMPAIGN", True),
        ("防范电信网络诈骗犯罪宣传月", "CAMPAIGN", True),
        ("夏夜治安巡查共投入警力", "CAMPAIGN", False),
        ("公众娱乐场所", "CAMPAIGN", False),
        ("整治工作取得明显实效。", "CAMPAIGN", False),
        ("1,234人", "COUNT", True),
        ("市公安局,市检察院", "ORG", False),
        ("“大排查、大起底”", "CAMPAIGN", True),
        ("⑵畅", "COUNT", False),  # a list's numbering, not a figure
        ("亿元", "MONEY", True),  # a threshold without a numeral is a figure (亿元以上案件)
    ],
)
def test_entity_shape(text, label, kept):
    from zh_metrics.pipeline.rules import EntityShape, keeps_shape

    assert keeps_shape(text, label) is kept
    nlp = spacy.blank("zh")
    doc = task_to_doc(nlp.vocab, make_task("前" + text + "后", [make_span(1, 1 + len(text), label)]))
    assert len(EntityShape()(doc).ents) == int(kept)


def test_a_count_and_the_alternatives_of_its_measure_word_are_one_span():
    from zh_metrics.pipeline.rules import EntityShape

    text = "查验车船18万辆(艘、架)次,同比下降6.1%。"
    pieces = [("18万辆", "COUNT"), ("(艘", "COUNT"), ("、架)次", "COUNT"), ("6.1%", "RATE")]
    spans = [make_span(text.index(s), text.index(s) + len(s), label) for s, label in pieces]
    doc = EntityShape()(task_to_doc(spacy.blank("zh").vocab, make_task(text, spans)))
    assert [(e.text, e.label_) for e in doc.ents] == [("18万辆(艘、架)次", "COUNT"), ("6.1%", "RATE")]
    text = "查验车船18万辆(其中货车2万辆)。"  # a bracket that is no list of measure words
    spans = [make_span(4, 8, "COUNT"), make_span(text.index("2万辆"), text.index("2万辆") + 3, "COUNT")]
    doc = EntityShape()(task_to_doc(spacy.blank("zh").vocab, make_task(text, spans)))
    assert [e.text for e in doc.ents] == ["18万辆", "2万辆"]
    assert FigureNormaliser()(doc).ents[0]._.value == 180000


def test_a_number_inside_a_quoted_name_is_no_figure():
    from zh_metrics.pipeline.rules import EntityShape

    text = "开展“松剑6号”专项行动,破获“两卡”案件12起。"
    spans = [
        make_span(text.index("6号"), text.index("6号") + 2, "COUNT"),
        make_span(text.index("12起"), text.index("12起") + 3, "COUNT"),
    ]
    doc = EntityShape()(task_to_doc(spacy.blank("zh").vocab, make_task(text, spans)))
    assert [e.text for e in doc.ents] == ["12起"]
