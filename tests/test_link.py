"""The change linker: fitted on gold entities, judged on documents it has not seen."""

import spacy
from spacy.training import Example

from zh_metrics.corpus.tasks import doc_id, make_span, make_task, task_to_doc
from zh_metrics.pipeline.link import (
    ChangeLinker,
    candidate_heads,
    own_subject,
    rate_pairs,
    rate_runs,
    sentence_groups,
    subject_overlap,
)
from zh_metrics.pipeline.normalise import FigureNormaliser
from zh_metrics.pipeline.scoring import score_relations


def examples_of(tasks, vocab):
    return [Example(task_to_doc(vocab, t), task_to_doc(vocab, t)) for t in tasks]


def fitted(tasks, vocab):
    linker = ChangeLinker()
    normaliser = FigureNormaliser()
    nlp = spacy.blank("zh")
    nlp.add_pipe("figure_normaliser")
    linker.initialize(lambda: examples_of(tasks, vocab), nlp=nlp)
    return linker, normaliser


def test_linker_learns_links_that_hold_on_unseen_documents(corpus_tasks):
    vocab = spacy.blank("zh").vocab
    docs = sorted({doc_id(t) for t in corpus_tasks})
    held_out = set(docs[::5])
    train = [t for t in corpus_tasks if doc_id(t) not in held_out]
    test = [t for t in corpus_tasks if doc_id(t) in held_out and t["relations"]]
    linker, normaliser = fitted(train, vocab)
    examples = []
    for task in test:
        predicted = task_to_doc(vocab, task)
        predicted._.relations = None
        linker(normaliser(predicted))
        examples.append(Example(predicted, task_to_doc(vocab, task)))
    scores = score_relations(examples)
    assert scores["rel_micro_f"] > 0.85, scores


def test_respectively_list_pairs_in_order(corpus_tasks):
    vocab = spacy.blank("zh").vocab
    linker, normaliser = fitted(corpus_tasks, vocab)
    text = "全年破获案件1,204起、抓获犯罪嫌疑人3,118人,同比分别上升21.5%、37.2%。"
    spans = [
        make_span(text.index(s), text.index(s) + len(s), label)
        for s, label in [("1,204起", "COUNT"), ("3,118人", "COUNT"), ("21.5%", "RATE"), ("37.2%", "RATE")]
    ]
    doc = linker(normaliser(task_to_doc(vocab, make_task(text, spans))))
    pairs = [(doc.text[h:he], doc.text[c:ce]) for h, he, c, ce in doc._.relations]
    assert pairs == [("1,204起", "21.5%"), ("3,118人", "37.2%")]


def links_of(linker, normaliser, vocab, text, marked):
    spans = [make_span(text.index(s), text.index(s) + len(s), label) for s, label in marked]
    doc = linker(normaliser(task_to_doc(vocab, make_task(text, spans))))
    return [(doc.text[h:he], doc.text[c:ce]) for h, he, c, ce in doc._.relations]


def test_rates_of_other_named_indicators_stay_unlinked(corpus_tasks):
    vocab = spacy.blank("zh").vocab
    linker, normaliser = fitted(corpus_tasks, vocab)
    text = "检查企业860家、下达整改通知书214份,全市事故起数和死亡人数同比分别下降12.5%、9.1%。"
    marked = [("860家", "COUNT"), ("214份", "COUNT"), ("12.5%", "RATE"), ("9.1%", "RATE")]
    assert links_of(linker, normaliser, vocab, text, marked) == []
    text = "排查隐患1,260处,全市火灾起数同比明显下降,降幅达18.4%。"
    assert links_of(linker, normaliser, vocab, text, [("1,260处", "COUNT"), ("18.4%", "RATE")]) == []


def test_subject_told_in_the_clause_before_a_size_clause():
    assert own_subject(",全市火灾起数同比明显下降,降幅达") == "全市火灾起数明显"
    assert own_subject(",同比上升,增幅为") == ""
    assert own_subject(",同比上升") == ""
    assert own_subject("、同比上升") == ""  # a list mark names nothing (3,150起、同比上升8.2%)


def test_each_rate_of_a_list_is_compared_with_its_own_named_subject():
    # 批捕、起诉人数较上年分别减少 a 和 b: the second rate's subject is 起诉人数
    assert subject_overlap("批捕、起诉人数", "提起公诉", (1, 2)) == 1  # 诉; 起 is a measure word too
    assert subject_overlap("批捕、起诉人数", "全年批准逮捕犯罪嫌疑人", (0, 2)) == 2
    assert subject_overlap("事故起数、死亡人数", "下达整改通知书", (0, 2)) == 0
    # measure words and scope words name nothing: 人数 shares nothing with 抓获嫌疑人
    assert subject_overlap("死亡人数", "抓获嫌疑人", (0, 1)) == 0


def test_candidates_stay_in_the_sentence_and_before_the_rate():
    vocab = spacy.blank("zh").vocab
    text = "去年破获案件100起。今年破获案件120起,同比上升20%,抓获80人。"
    spans = [
        make_span(text.index(s), text.index(s) + len(s), label)
        for s, label in [("100起", "COUNT"), ("120起", "COUNT"), ("20%", "RATE"), ("80人", "COUNT")]
    ]
    doc = task_to_doc(vocab, make_task(text, spans))
    groups = sentence_groups(doc)
    assert [[e.text for e in g] for g in groups] == [["100起"], ["120起", "20%", "80人"]]
    assert [groups[1][i].text for i in candidate_heads(doc.text, groups[1], 1, 8)] == ["120起"]


def test_state_round_trips_as_json(corpus_tasks, tmp_path):
    vocab = spacy.blank("zh").vocab
    linker, _ = fitted(corpus_tasks[:200], vocab)
    linker.to_disk(tmp_path / "linker")
    again = ChangeLinker().from_disk(tmp_path / "linker")
    assert again.weights == linker.weights and again.bias == linker.bias
    assert ChangeLinker().from_bytes(linker.to_bytes()).bias == linker.bias


def doc_of(vocab, text, marked):
    spans = [make_span(text.index(s), text.index(s) + len(s), label) for s, label in marked]
    return task_to_doc(vocab, make_task(text, spans))


def candidates_of(doc):
    return {rate.text: [h.text for h in heads] for rate, heads, _ in rate_pairs(doc, 8)}


def test_a_comparison_base_is_never_a_candidate():
    vocab = spacy.blank("zh").vocab
    text = "全市法院收案6.2万件,比去年7.1万件减少0.9万件,降幅12.7%,执结4,310件,较上年(3,980件)增长8.3%。"
    marked = [("6.2万件", "COUNT"), ("7.1万件", "COUNT"), ("0.9万件", "RATE"), ("12.7%", "RATE")]
    marked += [("4,310件", "COUNT"), ("3,980件", "COUNT"), ("8.3%", "RATE")]
    candidates = candidates_of(doc_of(vocab, text, marked))
    assert candidates["0.9万件"] == candidates["12.7%"] == ["6.2万件"]
    assert candidates["8.3%"] == ["4,310件", "6.2万件"]
    # 占比 and 较大 are no comparison: those figures stay candidates
    text = "发生较大事故3起,同比减少1起;电诈案件占比24.6%,同比下降3.1个百分点。"
    marked = [("3起", "COUNT"), ("1起", "RATE"), ("24.6%", "PERCENT"), ("3.1个百分点", "RATE")]
    candidates = candidates_of(doc_of(vocab, text, marked))
    assert candidates["1起"] == ["3起"] and candidates["3.1个百分点"] == ["24.6%"]


def test_the_sentence_before_is_offered_only_when_the_rate_names_what_changed():
    vocab = spacy.blank("zh").vocab
    figures = [("1,420件", "COUNT"), ("1,365件", "COUNT")]
    named = "全年受理案件1,420件、审结1,365件。受理、审结数同比分别上升6.1%、4.8%。"
    candidates = candidates_of(doc_of(vocab, named, [*figures, ("6.1%", "RATE"), ("4.8%", "RATE")]))
    assert candidates == {"6.1%": ["1,365件", "1,420件"], "4.8%": ["1,365件", "1,420件"]}
    unnamed = "全年受理案件1,420件、审结1,365件。同比上升6.1%。"
    assert candidates_of(doc_of(vocab, unnamed, [*figures, ("6.1%", "RATE")])) == {}
    # only the sentence right before: one in between without figures ends the reach
    far = "全年受理案件1,420件、审结1,365件。审判质效稳中向好。受理数同比上升6.1%。"
    assert candidates_of(doc_of(vocab, far, [*figures, ("6.1%", "RATE")])) == {}


def test_a_list_of_rates_may_repeat_its_change_word():
    vocab = spacy.blank("zh").vocab
    text = "审结案件412件455人,同比分别下降12.5%、下降9.8%。"
    doc = doc_of(vocab, text, [("412件", "COUNT"), ("455人", "COUNT"), ("12.5%", "RATE"), ("9.8%", "RATE")])
    assert rate_runs(text, list(doc.ents)) == {2: (0, 2), 3: (1, 2)}


def test_linker_learns_the_link_shapes_of_new_text(corpus_tasks):
    vocab = spacy.blank("zh").vocab
    linker, normaliser = fitted(corpus_tasks, vocab)
    text = "全市法院收案6.2万件,比去年7.1万件减少0.9万件,降幅12.7%。"
    marked = [("6.2万件", "COUNT"), ("7.1万件", "COUNT"), ("0.9万件", "RATE"), ("12.7%", "RATE")]
    assert links_of(linker, normaliser, vocab, text, marked) == [("6.2万件", "0.9万件"), ("6.2万件", "12.7%")]
    text = "破获案件1,320起、抓获犯罪嫌疑人2,460人、缴获毒品86公斤,同比分别上升12.4%、18.6%和9.3%。"
    marked = [("1,320起", "COUNT"), ("2,460人", "COUNT"), ("86公斤", "COUNT")]
    marked += [("12.4%", "RATE"), ("18.6%", "RATE"), ("9.3%", "RATE")]
    assert links_of(linker, normaliser, vocab, text, marked) == [
        ("1,320起", "12.4%"),
        ("2,460人", "18.6%"),
        ("86公斤", "9.3%"),
    ]
    text = "全年受理案件1,420件、审结1,365件。受理、审结数同比分别上升6.1%、4.8%。"
    marked = [("1,420件", "COUNT"), ("1,365件", "COUNT"), ("6.1%", "RATE"), ("4.8%", "RATE")]
    assert links_of(linker, normaliser, vocab, text, marked) == [("1,420件", "6.1%"), ("1,365件", "4.8%")]
    text = "全年受理案件1,420件、审结1,365件。全省发案数同比下降6.1%。"
    marked = [("1,420件", "COUNT"), ("1,365件", "COUNT"), ("6.1%", "RATE")]
    assert links_of(linker, normaliser, vocab, text, marked) == []


def test_an_aside_in_brackets_and_a_count_under_a_named_ratio_are_no_candidates():
    vocab = spacy.blank("zh").vocab
    text = "全年受理案件4,120件(含上年旧存186件),同比上升5.2%。"
    marked = [("4,120件", "COUNT"), ("186件", "COUNT"), ("5.2%", "RATE")]
    assert candidates_of(doc_of(vocab, text, marked)) == {"5.2%": ["4,120件"]}
    # a bracket that stays open up to the rate is no aside
    text = "全年受理案件4,120件(其中新收3,934件,同比上升5.2%)。"
    marked = [("4,120件", "COUNT"), ("3,934件", "COUNT"), ("5.2%", "RATE")]
    assert candidates_of(doc_of(vocab, text, marked)) == {"5.2%": ["3,934件", "4,120件"]}
    # 不起诉率 changed: its level is not given, the count before it is not its figure
    text = "决定不起诉58人,不起诉率同比上升2.4个百分点;破案率达91.2%,同比提高3.5个百分点。"
    marked = [("58人", "COUNT"), ("2.4个百分点", "RATE"), ("91.2%", "PERCENT"), ("3.5个百分点", "RATE")]
    assert candidates_of(doc_of(vocab, text, marked)) == {"3.5个百分点": ["91.2%"]}
