"""Record rules on invented sentences: indicator shapes, periods and their dates, whose
figure it is and of which campaign, whole documents. Entities come from an entity ruler, so
every expected row follows from the rules in docs/ANNOTATION.md alone."""

import pytest

import zh_metrics
from conftest import ruler_nlp
from zh_metrics.records import Change, Metric, extract_document
from zh_metrics.records.formats import change_cell
from zh_metrics.records.period import parse_date, period_dates

PATTERNS = [
    ("ORG", "松川市公安局"),
    ("ORG", "市公安局"),
    ("ORG", "省公安厅"),
    ("ORG", "青禾县公安局"),
    ("ORG", "松川警方"),
    ("ORG", "松川市市场监管局"),
    ("ORG", "青禾食品公司"),
    ("ORG", "松川日报"),
    ("ORG", "松川市政府新闻办"),
    ("ORG", "青禾县公"),  # a name the model cut inside 公安机关
    ("ORG", "松川市政府"),
    ("ORG", "市场监管总局"),
    ("ORG", "松川省公安厅"),
    ("ORG", "青禾农商银行"),
    ("ORG", "柳湾市"),  # fragments: a place alone, with a verb's first character, with a scope word
    ("ORG", "柳湾市扎"),
    ("ORG", "柳湾全市"),
    ("ORG", "柳湾市公安局党委"),  # glued to the title 党委书记
    ("CAMPAIGN", "售假币专项行动"),  # a name the model cut: 打击制|售假币专项行动
    ("CAMPAIGN", "随着“净岸”行动"),
    ("CAMPAIGN", "专项整治行动"),
    ("CAMPAIGN", "“清链”行动"),
    ("CAMPAIGN", "“净岸”行动"),
    ("CAMPAIGN", "“清链”"),
    ("CAMPAIGN", "“净岸”"),
    ("CAMPAIGN", "“青禾”"),
    ("CAMPAIGN", "扫除电诈窝点专项斗争"),
    *[
        ("COUNT", text)
        for text in ("202起", "176人", "318起", "12部", "9个", "35起", "48名", "1200个", "16起", "5200件")
        + ("4800件", "2600件", "3000余起", "120场次", "20起", "7件", "41件", "27个")
    ],
    ("MONEY", "3.2亿元"),
    ("MONEY", "10万元"),
    ("MONEY", "20万元"),
    ("RATE", "12.5%"),
    ("RATE", "8.4%"),
    ("RATE", "400件"),
    ("RATE", "8.2%"),
]
DATE = "2025-07-15"


@pytest.fixture(scope="module")
def nlp(corpus_tasks):
    return ruler_nlp(PATTERNS, corpus_tasks)


def rows(nlp, *paragraphs, date=DATE):
    return {m.text: m for m in extract_document([nlp(p) for p in paragraphs], date=date)}


@pytest.mark.parametrize(
    "text,figure,indicator",
    [
        # the noun after a count names it
        ("松川市公安局发布《守护钱袋子》《识破刷单》等12部反诈短视频。", "12部", "反诈短视频"),
        ("此次行动涉及9个地市。", "9个", "地市"),
        ("另有20起积案。", "20起", "积案"),
        ("青禾等27个省份公安机关同步开展集中收网。", "27个", "省份"),
        ("抓获的48名嫌疑人已到案。", "48名", "嫌疑人"),
        # who acts and 共 stay out
        ("青禾县公安局共破获涉网案件35起,抓获犯罪嫌疑人48名。", "35起", "破获涉网案件"),
        ("青禾县公安局共破获涉网案件35起,抓获犯罪嫌疑人48名。", "48名", "抓获犯罪嫌疑人"),
        ("按照省公安厅部署,市公安局冻结资金3.2亿元。", "3.2亿元", "冻结资金"),
        ("松川市市场监管局对青禾食品公司罚款20万元。", "20万元", "罚款"),
        # a class of bodies at the head acts: 边检机关, 税务局
        ("今年以来,全省边检机关查获偷渡人员176人。", "176人", "查获偷渡人员"),
        ("各地税务局共查处骗税企业27个。", "27个", "查处骗税企业"),
        # a province's short name, 各类 and 已 are no part of what is counted
        ("湖南刑事警情同比下降12.5%。", "12.5%", "刑事警情"),
        ("其中,各类枪支27个。", "27个", "枪支"),
        ("青禾县公安局抓获犯罪嫌疑人已达176人。", "176人", "抓获犯罪嫌疑人"),
        # a list of things counted together stays whole
        ("冻结银行卡、支付账户1200个。", "1200个", "冻结银行卡、支付账户"),
        # the frame of the figure before (10万元以上的) is not part of the next one's name
        ("查处损失10万元以上的案件16起。", "16起", "案件"),
        # comparison words and the base's period stay out
        ("受理案件数比去年同期增长8.2%。", "8.2%", "受理案件数"),
        ("受理量由上年同期7件增长为41件。", "7件", "受理量"),
        ("受理量由上年同期7件增长为41件。", "41件", "受理量"),
        # a quote is never cut at the comma inside it
        ("开展“护苗,护花”主题宣传120场次。", "120场次", "开展“护苗,护花”主题宣传"),
    ],
)
def test_indicator_shapes(nlp, text, figure, indicator):
    assert rows(nlp, text)[figure].indicator == indicator


def test_listed_rates_take_the_listed_indicators_in_order(nlp):
    found = rows(nlp, "盗窃案件、诈骗案件同比分别下降12.5%、8.4%。")
    assert (found["12.5%"].indicator, found["8.4%"].indicator) == ("盗窃案件", "诈骗案件")
    assert found["8.4%"].change.value == pytest.approx(-0.084)


@pytest.mark.parametrize(
    "text,figure,period,start,end",
    [
        ("今年以来,松川市公安局破获案件202起。", "202起", "今年以来", "2025-01-01", DATE),
        ("2024年1月至10月,青禾县公安局共破获涉网案件35起。", "35起", "2024年1月至10月", "2024-01-01", "2024-10-31"),
        ("截至9月底,市公安局冻结资金3.2亿元。", "3.2亿元", "截至9月底", None, "2025-09-30"),
        ("去年全年,破获案件202起。", "202起", "去年全年", "2024-01-01", "2024-12-31"),
        ("近五年来,抓获176人。", "176人", "近五年来", None, None),
        ("1至6月,破获案件202起。", "202起", "1至6月", "2025-01-01", "2025-06-30"),
        # a byline's date is no period; the meeting's date neither
        ("松川日报松川7月1日电 今年上半年,破获案件202起。", "202起", "今年上半年", "2025-01-01", "2025-06-30"),
        ("7月10日,松川市公安局召开新闻发布会,通报破获案件202起。", "202起", None, None, None),
        # a byline's 电 stands alone; 电信… after a period is the indicator's first word
        ("松川日报松川7月1日电(记者王某)破获案件202起。", "202起", None, None, None),
        ("今年第一季度电信诈骗案件同比下降12.5%。", "12.5%", "今年第一季度", "2025-01-01", "2025-03-31"),
        # 全年 after a year names the same period
        ("2024年,全年破获案件202起。", "202起", "2024年", "2024-01-01", "2024-12-31"),
        # an event scope is a period too
        ("“清链”行动开展以来,青禾县公安局破获案件202起。", "202起", "“清链”行动开展以来", None, None),
        ("在“净岸”行动中,松川警方抓获176人。", "176人", "在“净岸”行动中", None, None),
        ("全市公安机关自专项行动开展以来抓获176人。", "176人", "自专项行动开展以来", None, None),
    ],
)
def test_period_and_its_dates(nlp, text, figure, period, start, end):
    metric = rows(nlp, text)[figure]
    assert (metric.period, metric.period_start, metric.period_end) == (period, start, end)


def test_a_comparison_base_has_its_own_period(nlp):
    found = rows(nlp, "今年受理案件5200件,比去年4800件增加400件。")
    assert (found["5200件"].period, found["4800件"].period) == ("今年", "去年")
    assert (found["4800件"].period_start, found["4800件"].period_end) == ("2024-01-01", "2024-12-31")


def test_a_part_of_the_period_scopes_its_sentence_only(nlp):
    found = rows(nlp, "今年上半年,受理案件5200件。其中,第二季度受理案件2600件。结案4800件。")
    assert [found[f].period for f in ("5200件", "2600件", "4800件")] == ["今年上半年", "第二季度", "今年上半年"]
    assert (found["2600件"].period_start, found["2600件"].period_end) == ("2025-04-01", "2025-06-30")


def test_the_time_of_cases_a_review_found_scopes_its_sentence_only(nlp):
    found = rows(nlp, "截至目前,全市共破获案件202起;排查出近五年来积压案件318起,已破获35起;冻结资金3.2亿元。")
    periods = [found[f].period for f in ("202起", "318起", "35起", "3.2亿元")]
    assert periods == ["截至目前", "近五年来", "近五年来", "截至目前"]


def test_without_a_date_relative_periods_keep_their_text_only(nlp):
    metric = rows(nlp, "今年以来,破获案件202起。", date=None)["202起"]
    assert (metric.period, metric.period_start, metric.period_end) == ("今年以来", None, None)
    # an absolute one needs no document date
    metric = rows(nlp, "2023年,破获案件202起。", date=None)["202起"]
    assert (metric.period_start, metric.period_end) == ("2023-01-01", "2023-12-31")


@pytest.mark.parametrize(
    "text,dates",
    [
        ("今年第一季度", ("2025-01-01", "2025-03-31")),
        ("2024年前三季度", ("2024-01-01", "2024-09-30")),
        ("今年前5个月", ("2025-01-01", "2025-05-31")),
        ("5月26日-9月15日", ("2025-05-26", "2025-09-15")),
        ("2018年至2020年", ("2018-01-01", "2020-12-31")),
        ("截至2016年底", (None, "2016-12-31")),
        ("2014年10月以来", ("2014-10-01", DATE)),
        ("截至目前", (None, DATE)),
        ("一年来", (None, None)),
        ("2022年1-10月", ("2022-01-01", "2022-10-31")),
        ("今年1—5月", ("2025-01-01", "2025-05-31")),
        ("5月25日至27日", ("2025-05-25", "2025-05-27")),
        ("2021年初以来", ("2021-01-01", DATE)),
        ("截至6月23日晚上", (None, "2025-06-23")),
        ("专项行动开展以来", (None, None)),
    ],
)
def test_period_dates(text, dates):
    assert period_dates(text, parse_date(DATE)) == dates


def test_a_bad_date_says_what_is_wrong():
    with pytest.raises(ValueError, match="not an ISO date"):
        parse_date("15/07/2025")


def test_organisation_is_the_reporting_body_not_its_supervisor_or_the_fined_company(nlp):
    assert rows(nlp, "按照省公安厅部署,市公安局冻结资金3.2亿元。")["3.2亿元"].organisation == "市公安局"
    fined = rows(nlp, "松川市市场监管局对青禾食品公司罚款20万元。")["20万元"]
    assert (fined.organisation, fined.organisation_start) == ("松川市市场监管局", 0)


def test_a_clause_pointing_back_ties_its_paragraph_to_the_campaign_not_its_time(nlp):
    found = rows(nlp, "当晚,松川市公安局开展“清链”行动。行动中,抓获176人。", "冻结资金3.2亿元。")
    assert (found["176人"].campaign, found["176人"].period) == ("“清链”行动", "当晚")
    assert found["3.2亿元"].campaign is None


def test_a_body_that_reports_its_figures_is_theirs_a_news_outlet_is_not(nlp):
    assert rows(nlp, "据松川市公安局通报,今年以来全市破获案件202起。")["202起"].organisation == "松川市公安局"
    assert rows(nlp, "记者7月1日从青禾县公安局获悉,抓获176人。")["176人"].organisation == "青禾县公安局"
    assert rows(nlp, "据松川日报报道,今年以来全市破获案件202起。")["202起"].organisation is None
    text = "松川日报松川7月1日电(记者王某)记者从松川市公安局获悉,今年以来全市破获案件202起。"
    assert rows(nlp, text)["202起"].organisation == "松川市公安局"  # after the byline


def test_no_press_office_no_fined_company_no_fragment(nlp):
    text = "8月2日,松川市政府新闻办举行发布会,通报1至7月全市破获案件202起。"
    assert rows(nlp, text)["202起"].organisation is None
    assert rows(nlp, "青禾食品公司违规销售,被处以罚款20万元。")["20万元"].organisation is None
    text = "松川市市场监管局通报2起案件。其中,青禾食品公司违规销售,分别处以罚款20万元、10万元。"
    found = rows(nlp, text)  # the regulator that reports the case, not the fined company
    assert (found["20万元"].organisation, found["10万元"].organisation) == ("松川市市场监管局", "松川市市场监管局")
    text = "松川市市场监管局通报2起案件。青禾农商银行违规收费,被没收违法所得20万元。"
    assert rows(nlp, text)["20万元"].organisation == "松川市市场监管局"  # a bank fined, not reporting
    text = "8月1日,中国人民银行向青禾农商银行开出罚单。青禾农商银行被没收违法所得20万元。"
    assert rows(nlp, text)["20万元"].organisation == "中国人民银行"  # the central bank imposes it
    assert rows(nlp, "青禾县公安机关破获案件202起。")["202起"].organisation == "青禾县公安机关"


def test_campaign_only_where_the_text_ties_it(nlp):
    found = rows(nlp, "松川市公安局开展“清链”行动,破获案件202起。截至6月底,冻结资金3.2亿元。")
    assert (found["202起"].campaign, found["202起"].campaign_start) == ("“清链”行动", 8)
    assert found["3.2亿元"].campaign == "“清链”行动"  # the paragraph stays with the campaign
    found = rows(nlp, "松川市公安局开展“清链”行动,破获案件202起。今年以来,全市冻结资金3.2亿元。")
    assert found["3.2亿元"].campaign is None  # a calendar period leaves it: a year's total
    listed = rows(nlp, "2024年,全国公安机关开展“清链”“净岸”等专项行动,破获案件3000余起。")["3000余起"]
    assert (listed.campaign, listed.organisation) == ("“清链”“净岸”", None)  # their joint result
    # the items of a list under their own quoted names: the campaign before is not theirs, and a
    # number inside a quoted name is no date
    listed = rows(nlp, "截至9月底,松川市公安局开展“清链”行动,破获案件202起;“青禾4号”专案破获案件35起。")
    assert (listed["35起"].campaign, listed["35起"].period) == (None, "截至9月底")
    # a period opening a new line: the text has moved on from the campaign
    moved = rows(nlp, "松川市公安局开展“清链”行动,破获案件202起。\n9月1日至10月31日,全市破获案件35起。")
    assert (moved["202起"].campaign, moved["35起"].campaign) == ("“清链”行动", None)
    # a campaign that drives a change is credited with it: the change is no result of it
    assert rows(nlp, "“清链”行动带动全市诈骗发案同比下降12.5%。")["12.5%"].campaign is None


def test_whole_document_carries_period_and_organisation_and_ends_campaign_scope(nlp):
    document = [
        "松川警方上半年破获电诈案件318起",
        "按照省公安厅部署,松川市公安局深入开展“清链”行动。行动开展以来,破获案件202起,抓获犯罪嫌疑人176人。",
        "此外,市公安局冻结涉案资金3.2亿元。",
        "2024年,全国公安机关共破获案件3000余起。",
    ]
    found = rows(nlp, *document)
    title, case, money, national = (found[f] for f in ("318起", "202起", "3.2亿元", "3000余起"))
    # 松川警方 by the body the document names for it
    assert (title.period, title.organisation, title.campaign) == ("上半年", "松川市公安局", None)
    assert (case.period, case.organisation, case.campaign) == ("行动开展以来", "松川市公安局", "“清链”行动")
    # the campaign named in an earlier sentence, counted back from this paragraph's start
    assert case.campaign_start == document[1].index("“清链”")
    assert found["176人"].indicator == "抓获犯罪嫌疑人"
    # 市公安局 by its fullest mention; period and campaign run on into the next paragraph
    assert (money.organisation, money.organisation_start, money.period) == ("松川市公安局", 3, "行动开展以来")
    assert money.campaign == "“清链”行动"
    # a national total is no result of the city's bureau nor of its campaign
    assert (national.period, national.organisation, national.campaign) == ("2024年", None, None)
    # the title's period reaches a paragraph that names none
    assert rows(nlp, "松川警方上半年破获电诈案件318起", "抓获犯罪嫌疑人176人。")["176人"].period == "上半年"


def test_table_shows_the_change_with_its_unit():
    def with_change(value, unit, basis):
        return Metric("案件", "COUNT", "3起", 3, "起", "exact", Change(value, unit, basis, "x"), None, None, "", 0, 2)

    assert change_cell(with_change(0.374, "ratio", "同比")) == "+37.4% 同比"
    assert change_cell(with_change(-2.3, "percentage_point", None)) == "-2.3 pp"
    assert change_cell(with_change(-3, "起", "同比")) == "-3 起 同比"


def test_api_extract_takes_the_date(nlp):
    (metric,) = zh_metrics.extract("今年以来,破获案件202起。", nlp, date="2025-07-15")
    assert metric.to_dict()["period_start"] == "2025-01-01"


@pytest.mark.parametrize(
    "text,organisation",
    [
        ("柳湾市破获案件202起。", None),
        ("柳湾市扎实推进反诈工作,破获案件202起。", None),
        ("今年以来,柳湾全市破获案件202起。", None),
        ("柳湾市公安局党委书记王某介绍,今年以来破获案件202起。", "柳湾市公安局"),
    ],
)
def test_an_organisation_is_a_complete_name_of_a_body(nlp, text, organisation):
    assert rows(nlp, text)["202起"].organisation == organisation


def test_statistics_a_part_and_other_data_scope_their_own_sentence(nlp):
    found = rows(nlp, "据松川市公安局统计,今年以来全市破获案件202起。网络平台清理违规账号1200个。")
    assert (found["202起"].organisation, found["1200个"].organisation) == ("松川市公安局", None)
    found = rows(nlp, "松川市公安局今年以来破获案件202起,另据网络平台数据,清理违规账号1200个。")
    assert (found["202起"].organisation, found["1200个"].organisation) == ("松川市公安局", None)
    found = rows(nlp, "从松川市公安局通报看,今年以来破获案件202起;从互联网企业数据看,清理违规账号1200个。")
    assert (found["202起"].organisation, found["1200个"].organisation) == ("松川市公安局", None)
    found = rows(nlp, "松川市市场监管局制定了三项监管办法。2024年,全市网络平台清理违规账号1200个。")
    assert found["1200个"].organisation is None  # a body making rules: not whose results follow
    found = rows(nlp, "松川市公安局今年以来破获案件202起。其中,青禾县公安局破获35起。全市抓获犯罪嫌疑人176人。")
    assert [found[f].organisation for f in ("202起", "35起", "176人")] == [
        "松川市公安局",
        "青禾县公安局",
        "松川市公安局",
    ]


def test_a_places_police_written_as_a_class_is_the_body_the_document_names(nlp):
    found = rows(nlp, "松川市公安局召开新闻发布会。今年以来,松川警方破获案件202起。")
    assert found["202起"].organisation == "松川市公安局"
    assert rows(nlp, "今年以来,松川警方破获案件202起。")["202起"].organisation == "松川警方"
    both = rows(nlp, "松川省公安厅、松川市公安局召开新闻发布会。今年以来,松川警方破获案件202起。")
    assert both["202起"].organisation == "松川警方"  # which of the two is unclear


def test_a_national_body_speaks_for_national_figures(nlp):
    found = rows(nlp, "市场监管总局持续整治虚假广告。2024年,全国市场监管部门共办结案件5200件。")
    assert found["5200件"].organisation == "市场监管总局"  # 市场 is no city: the body is national
    found = rows(nlp, "松川市公安局重拳打击侵权行为。2024年,全国公安机关共破获案件5200件。")
    assert found["5200件"].organisation is None


def test_no_body_from_a_frame_or_another_province(nlp):
    assert rows(nlp, "在市委领导、松川市政府支持下,全市破获案件202起。")["202起"].organisation is None
    found = rows(nlp, "松川省公安厅通报,今年以来全省破获案件202起。青禾省同期抓获176人。")
    assert (found["202起"].organisation, found["176人"].organisation) == ("松川省公安厅", None)
    # a national body's figures are not a province's, named short or in full
    found = rows(nlp, "市场监管总局通报,今年以来全国查处案件202起。其中,湖南、广西抓获176人。")
    assert (found["202起"].organisation, found["176人"].organisation) == ("市场监管总局", None)
    text = "市场监管总局通报2起案件。湖南某某商贸公司违规经营,被处以罚款20万元。"
    assert rows(nlp, text)["20万元"].organisation == "市场监管总局"  # a company's name, no province
    # published data speak for their own sentence only
    found = rows(nlp, "根据市场监管总局公布的数据,全国查处案件202起。另有抓获176人。")
    assert (found["202起"].organisation, found["176人"].organisation) == ("市场监管总局", None)


def test_campaign_names_and_what_sets_them_going(nlp):
    text = "松川市公安局开展打击制售假币专项行动,破获案件35起。"
    found = rows(nlp, text)["35起"]
    assert (found.campaign, found.campaign_start) == ("打击制售假币专项行动", text.index("打击"))
    text = "松川市公安局开展以跑分平台为重点的“清链”行动,截至6月底,破获案件202起。"
    assert rows(nlp, text)["202起"].campaign == "“清链”行动"
    text = "松川市公安局开展以跑分平台为重点的专项整治行动,截至6月底,破获案件202起。"
    assert rows(nlp, text)["202起"].campaign is None  # a type word names no campaign
    text = "松川市公安局开展“清链”行动、青禾“净岸”专项工作等系列行动,破获案件202起。"
    assert rows(nlp, text)["202起"].campaign == "“清链”行动"  # the first speaks for those named with it
    text = "本报讯 我市“清链”行动取得明显成效,已破获案件202起。"
    assert rows(nlp, text)["202起"].campaign == "“清链”行动"  # its results
    assert rows(nlp, "随着“清链”行动深入推进,全市电诈案件下降12.5%。")["12.5%"].campaign is None
    assert rows(nlp, "随着“净岸”行动的开展,全市破获案件202起。")["202起"].campaign is None
    text = "经过推进“清链”行动,全市电诈案件明显减少。截至2024年底,全市抓获犯罪嫌疑人176人。"
    assert rows(nlp, text)["176人"].campaign is None  # a cause, then a year's total
    text = "松川市公安局开展“清链”行动,破获案件202起。截至2024年底,全市抓获犯罪嫌疑人176人。"
    assert rows(nlp, text)["176人"].campaign is None  # the year's end is a summary of the year


def test_a_release_about_a_campaign_ties_the_figures_that_follow_it(nlp):
    release = "松川市公安局召开“清链”行动新闻发布会。据通报,今年以来,全市破获案件202起,抓获176人。"
    assert [rows(nlp, release)[f].campaign for f in ("202起", "176人")] == ["“清链”行动", "“清链”行动"]
    # set going in an earlier sentence, a campaign gives way to a calendar period
    assert rows(nlp, "松川市公安局开展“清链”行动。今年以来,全市破获案件202起。")["202起"].campaign is None
    # a release about another campaign ends it
    later = release + "松川市公安局召开“净岸”行动新闻发布会,通报破获案件35起。"
    assert rows(nlp, later)["35起"].campaign == "“净岸”行动"
    assert rows(nlp, "今年,松川警方全面展开“净岸”行动各项工作,破获案件35起。")["35起"].campaign == "“净岸”行动"


def test_a_campaign_set_going_in_the_figures_sentence_beats_a_running_scope(nlp):
    found = rows(nlp, "“清链”行动开展以来,全市破获案件202起;部署开展“净岸”行动,抓获176人。")
    assert (found["202起"].campaign, found["176人"].campaign) == ("“清链”行动", "“净岸”行动")


def test_campaign_scope_ends_at_another_campaign_and_a_scope_finds_its_type(nlp):
    text = "松川市公安局开展“清链”行动,破获案件202起。开展“净岸”“青禾”等行动,抓获176人。"
    assert rows(nlp, text)["176人"].campaign == "“净岸”“青禾”"  # their joint result
    text = "松川市公安局开展“清链”行动,破获案件202起。同期开展“净岸”“青禾”等行动。全市抓获176人。"
    assert rows(nlp, text)["176人"].campaign is None  # a list speaks for its own sentence only
    text = "松川市公安局开展打击制售假币专项行动“净岸”攻坚活动。截至6月底,抓获176人。"
    assert rows(nlp, text)["176人"].campaign == "打击制售假币专项行动“净岸”"  # a name and its phase
    text = "松川市公安局深入开展扫除电诈窝点专项斗争,破获案件202起。开展“净岸”行动。专项斗争以来,抓获176人。"
    assert rows(nlp, text)["176人"].campaign == "扫除电诈窝点专项斗争"
