"""Where names begin and end: `name_edges` moves the edges of predicted ORG and CAMPAIGN spans
to where the annotation rules put them, `known_bodies` adds the central bodies the model left
out. The entity ruler stands in for the tagger, so each case states exactly what was predicted."""

import pytest
from spacy.language import Language

from conftest import char_nlp
from zh_metrics.pipeline.names import KnownBodies, campaign_edges, organisation_edges
from zh_metrics.pipeline.vocabulary import KNOWN_BODIES


def predicted(spans: list[tuple[str, str]]) -> Language:
    nlp = char_nlp()
    if spans:
        nlp.add_pipe("entity_ruler").add_patterns([{"label": label, "pattern": span} for label, span in spans])
    return nlp


def repaired(text: str, spans: list[tuple[str, str]], *pipes: str) -> list[tuple[str, str]]:
    nlp = predicted(spans)
    for pipe in pipes or ("name_edges",):
        nlp.add_pipe(pipe)
    return [(ent.text, ent.label_) for ent in nlp(text).ents]


@pytest.mark.parametrize(
    "text,predicted_name,expected",
    [
        # a class noun cut inside, with or without the scope word a place may carry
        ("今年以来,柏岭市公安机关共破获案件31起。", "柏岭市公", "柏岭市公安机关"),
        ("今年以来,柏岭市公安机关共破获案件31起。", "柏岭市公安机", "柏岭市公安机关"),
        ("今年以来,青禾全县公安机关共破获案件31起。", "青禾全", "青禾全县公安机关"),
        # a word before the name is no part of it
        ("据岚州市反诈中心统计,全市拦截电话3.1万次。", "据岚州市反诈中心", "岚州市反诈中心"),
        ("记者从来自白鹭市人民检察院的消息获悉", "自白鹭市人民检察院", "白鹭市人民检察院"),
        ("自然资源部通报2起案件。", "自然资源部", "自然资源部"),
        ("自2003年白沙县消防救援大队组建以来", "2003年白沙县消防救援大队", "白沙县消防救援大队"),
        # the first character of the next word, or of a scope word, is cut off
        ("比如松川市公安侦办的一起案件", "松川市公安侦", "松川市公安"),
        ("青禾县自3月1日起实施", "青禾县自", None),
        ("松川市各级各部门聚焦群众关切", "松川市各", None),
        # a scope word with a class noun is no name; a place alone neither
        ("我市警方破获案件12起。", "我市警方", None),
        ("柏岭市破获案件12起。", "柏岭市", None),
        # a word that follows a name, a comparison's 比 and an aside's bracket stay out
        ("最高检会同公安部挂牌督办", "最高检会", "最高检"),
        ("据青禾县禁毒办最新消息", "青禾县禁毒办最新", "青禾县禁毒办"),
        ("松川海关第三次获得表彰", "松川海关第三次", "松川海关"),
        ("比省厅提出的目标高5个百分点", "比省厅", "省厅"),
        ("松川市证监局(含分局)全年开出罚单", "松川市证监局(含分局", "松川市证监局"),
        # a head noun written right after the cut
        ("青禾禁毒部门认真贯彻部署", "青禾禁毒", "青禾禁毒部门"),
        # each of a class, a province alone or with the next word's first characters: no body
        ("各区应急管理局共开展检查", "区应急管理局", None),
        ("北京、湖南等12个省区市", "湖南", None),
        ("湖南省扎实推进", "湖南省扎", None),
        ("本市公安交管部门查处", "市公安交管部门", None),
        ("我市各级公安机关结合", "级公安机关", None),
        # names that end otherwise are left as they are
        ("鹭城检方办理案件12件。", "鹭城检方", "鹭城检方"),
        ("青禾科技股票被实施退市风险警示。", "青禾科技", "青禾科技"),
        ("松川日报·松川观察记者报道", "松川日报·松川观察", "松川日报·松川观察"),
        ("世界卫生组织发布报告", "世界卫生组织", "世界卫生组织"),
    ],
)
def test_organisation_edges(text, predicted_name, expected):
    assert repaired(text, [("ORG", predicted_name)]) == ([(expected, "ORG")] if expected else [])


def test_a_joint_body_cut_in_its_last_word_runs_to_its_end():
    text = "青禾县打击治理电信网络诈骗工作联席会议办公室通报"
    assert repaired(text, [("ORG", text[:-3])]) == [(text[:-2], "ORG")]


@pytest.mark.parametrize(
    "text,predicted_name,expected",
    [
        # a quoted name ends with its closing quote and a type word that joins it
        ("海关开展“鹭翼”专项打击行动,查获案件12起。", "“鹭翼”专项打击行动", "“鹭翼”"),
        ("公安机关开展“溪清”专案行动,打掉团伙3个。", "“溪清”专案行动", "“溪清”专案"),
        ("深入开展“柏盾”专项工作,破获案件12起。", "“柏盾”专项工作", "“柏盾”"),
        ("深入开展“柏盾”专项行动,破获案件12起。", "“柏盾”专项行动", "“柏盾”专项行动"),
        ("深入开展“三清三查”等行动", "“三清三查", "“三清三查”"),
        # words after the quote that are no type word stay as predicted (a day's name)
        ("在“3·15”国际消费者权益日来临之际", "“3·15”国际消费者权益日", "“3·15”国际消费者权益日"),
        # an unquoted name cut inside runs back to its verb
        ("组织开展消防通道违规占用专项整治行动,", "防通道违规占用专项整治行动", "消防通道违规占用专项整治行动"),
        # ...but not over a verb of another kind after a body or a scope word
        (
            "全省法院服务打击治理电信网络诈骗专项行动情况",
            "打击治理电信网络诈骗专项行动",
            "打击治理电信网络诈骗专项行动",
        ),
        # who set it going and its verb, taken into the name, stay out
        ("年初省里部署清理涉老金融骗局专项斗争以来", "省里部署清理涉老金融骗局专项斗争", "清理涉老金融骗局专项斗争"),
        # who acts stays out; a type word with generic modifiers only is no name
        ("我市清理涉老金融骗局专项行动初见成效", "我市清理涉老金融骗局专项行动", "清理涉老金融骗局专项行动"),
        ("开展了两轮全省集中统一行动,", "全省集中统一行动", None),
        ("三大专项行动", "三大专项行动", None),
        ("各类专项整治行动", "专项整治行动", None),
    ],
)
def test_campaign_edges(text, predicted_name, expected):
    assert repaired(text, [("CAMPAIGN", predicted_name)]) == ([(expected, "CAMPAIGN")] if expected else [])


def test_no_repair_runs_into_a_neighbouring_entity():
    text = "松川市公安机关"
    # the class noun would complete 松川市公 to 松川市公安机关, but the next entity starts at 安
    assert organisation_edges(text, 0, 4, 0, 4) == (0, 4)
    text = "“鹭翼”专项行动"
    assert campaign_edges(text, 0, 4, 0, 4) == (0, 4)


def test_known_bodies_where_the_model_found_nothing():
    text = "党中央、国务院高度重视,人社部部署开展专项检查,公安部长出席。人社部门通报"
    assert repaired(text, [], "known_bodies") == [("党中央", "ORG"), ("国务院", "ORG"), ("人社部", "ORG")]
    # an entity the model found is left as it is, and the longest name wins
    text = "国务院新闻办公室举行发布会"
    assert repaired(text, [("ORG", "国务院新闻办公室")], "known_bodies") == [("国务院新闻办公室", "ORG")]
    assert repaired(text, [], "known_bodies") == [("国务院新闻办公室", "ORG")]
    assert repaired("注册国家反诈中心APP的人数", [], "known_bodies") == []


def test_known_bodies_take_a_list_from_the_config():
    nlp = char_nlp()
    nlp.add_pipe("known_bodies")
    assert nlp.get_pipe("known_bodies").pattern.pattern == KnownBodies(KNOWN_BODIES).pattern.pattern
    assert [e.text for e in nlp("国务院印发通知").ents] == ["国务院"]
