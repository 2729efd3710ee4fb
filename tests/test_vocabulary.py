"""One rulebook: the normaliser, the rule components, the linker and the lint read the same words."""

import pytest
import spacy

from zh_metrics.corpus.tasks import make_span, make_task
from zh_metrics.corpus.validate import lint_task
from zh_metrics.pipeline import link, normalise, rules, vocabulary
from zh_metrics.pipeline.normalise import normalise as normalise_span

CHANGE_VERBS = [(verb, 1) for verb in vocabulary.UP_VERBS] + [(verb, -1) for verb in vocabulary.DOWN_VERBS]


@pytest.mark.parametrize(("verb", "sign"), CHANGE_VERBS)
def test_every_change_verb_means_the_same_everywhere(verb, sign):
    text = f"破获案件202起,同比{verb}12%"
    # the normaliser reads its sign
    assert normalise_span("12%", "RATE", before=f"同比{verb}").value == pytest.approx(sign * 0.12)
    # the rule component makes the percentage after it a change
    assert rules.is_change(f"同比{verb}")
    # the linker sees a direction in it (a clause that only says how much something changed)
    assert link.own_subject(f",同比{verb}") == ""
    # the lint flags the percentage after it when it is left unlabelled
    task = make_task(text, [make_span(4, 8, "COUNT")])
    assert any("is not labelled RATE" in p.message for p in lint_task(task, "t", 1))


def test_a_change_verb_ending_an_indicator_is_trimmed():
    from zh_metrics.records import indicator_of

    nlp = spacy.blank("zh")
    for verb, _ in CHANGE_VERBS:
        doc = nlp(f"案件数量{verb}5起")
        doc.ents = [doc.char_span(len(doc.text) - 2, len(doc.text), label="COUNT")]
        assert indicator_of(doc, doc.ents[0], doc.text) == "案件数量"


def test_the_label_sets_say_what_they_hold():
    assert set(vocabulary.FIGURE_HEAD_LABELS) < set(vocabulary.VALUE_LABELS) <= set(vocabulary.LABELS)
    assert set(vocabulary.VALUE_LABELS) - set(vocabulary.FIGURE_HEAD_LABELS) == {"RATE"}
    assert normalise.FigureNormaliser().labels == vocabulary.VALUE_LABELS


def test_punctuation_classes_nest():
    sentence = set(vocabulary.SENTENCE_END_CHARS)
    clause = set(vocabulary.CLAUSE_CHARS)
    assert sentence < clause
    for ch in clause | set(vocabulary.LIST_CHARS):
        assert vocabulary.ITEM_BREAK.fullmatch(ch)
    for ch in clause | set(vocabulary.OPEN_BRACKETS + vocabulary.CLOSE_BRACKETS):
        assert vocabulary.INDICATOR_BREAK.fullmatch(ch)
    # an indicator may list several things (缴获电话卡、银行卡1.1万张): 、 does not end it
    assert not vocabulary.INDICATOR_BREAK.search(vocabulary.LIST_CHARS)
    for ch in sentence:
        assert vocabulary.CLAUSE_BREAK.fullmatch(ch)


def test_rate_context_takes_the_words_before_a_list():
    text = "两类案件同比分别上升31.2%和64.5%"
    first, second = text.index("31.2%"), text.index("64.5%")
    starts = {first + 5: first, second + 5: second}
    assert vocabulary.rate_context(text, second, starts) == vocabulary.rate_context(text, first, starts)
    assert vocabulary.rate_context(text, first, starts).endswith("同比分别上升")
