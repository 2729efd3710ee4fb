"""The one scoring path against small cases computed by hand, and against spaCy's own scorers."""

from collections import Counter

import pytest
import spacy
from spacy.training import Example

from zh_metrics.corpus.tasks import make_span, make_task
from zh_metrics.measure.scoring import (
    RELATION_F,
    VALUE_ACCURACY,
    Mark,
    add_rows,
    entity_f,
    entity_total,
    error_counts,
    overlap_f,
    predict_examples,
    reference_doc,
    relation_total,
    row_accuracy,
    score_paragraph,
    spacy_scores,
    worst_errors,
)

GOLD = [
    make_task(
        "破获案件202起,同比上升13.2%。",
        [make_span(4, 8, "COUNT", value=202, unit="起"), make_span(13, 18, "RATE", value=0.132, unit="ratio")],
        [((4, 8), (13, 18))],
        meta={"domain": "court"},
    ),
    make_task(
        "松川市公安局冻结资金3.2亿元。",
        [make_span(0, 6, "ORG"), make_span(10, 15, "MONEY", value=320000000, unit="元")],
        meta={"domain": "customs"},
    ),
]
PREDICTED = [
    # the count right but with a wrong value, the rate taken for a level, the link lost
    make_task(
        GOLD[0]["text"],
        [make_span(4, 8, "COUNT", value=203, unit="起"), make_span(13, 18, "PERCENT", value=0.132, unit="ratio")],
    ),
    # the organisation cut short, the money right, a campaign invented
    make_task(
        GOLD[1]["text"],
        [make_span(0, 3, "ORG"), make_span(6, 8, "CAMPAIGN"), make_span(10, 15, "MONEY", value=320000000, unit="元")],
    ),
]


LINKED = [
    (
        "松川市公安局全年破获案件1,204起、抓获犯罪嫌疑人3,118人,同比分别上升21.5%、37.2%。",
        [("松川市公安局", "ORG"), ("1,204起", "COUNT"), ("3,118人", "COUNT"), ("21.5%", "RATE"), ("37.2%", "RATE")],
        [("1,204起", "21.5%"), ("3,118人", "37.2%")],
    ),
    ("青禾县破获案件202起,环比上升132.18%。", [("202起", "COUNT"), ("132.18%", "RATE")], [("202起", "132.18%")]),
]


def task_with_spans(text, spans, links):
    """A gold task from (span text, label) pairs and (head text, rate text) links."""
    at = {s: (text.index(s), text.index(s) + len(s)) for s, _ in spans}
    return make_task(text, [make_span(*at[s], label) for s, label in spans], [(at[h], at[c]) for h, c in links])


@pytest.fixture(scope="module")
def examples():
    vocab = spacy.blank("zh").vocab
    return [Example(reference_doc(vocab, p), reference_doc(vocab, g)) for g, p in zip(GOLD, PREDICTED)]


@pytest.fixture(scope="module")
def paragraphs(examples):
    return [score_paragraph(eg) for eg in examples]


def test_exact_counts_per_label(paragraphs):
    total = {label: entity_total(paragraphs, [label]) for label in ("COUNT", "MONEY", "RATE", "PERCENT", "ORG")}
    assert [(t.tp, t.fp, t.fn) for t in total.values()] == [(1, 0, 0), (1, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1)]
    # 2 right of 5 predicted and 4 gold
    micro = entity_total(paragraphs)
    assert (micro.precision, micro.recall) == pytest.approx((2 / 5, 2 / 4))
    assert entity_f().value(paragraphs) == pytest.approx(2 * 0.4 * 0.5 / 0.9)
    # figures: COUNT and MONEY right; RATE missed, PERCENT spurious
    assert entity_f(["MONEY", "COUNT", "PERCENT", "RATE"]).value(paragraphs) == pytest.approx(2 / 3)
    assert entity_f(["CAMPAIGN"]).value(paragraphs[:1]) is None  # nothing to count there


def test_the_counts_are_spacys(examples, paragraphs):
    scores = spacy_scores(examples)
    micro = entity_total(paragraphs)
    assert (scores["ents_p"], scores["ents_r"], scores["ents_f"]) == pytest.approx(
        (micro.precision, micro.recall, micro.fscore)
    )
    for label, expected in scores["ents_per_type"].items():
        assert entity_total(paragraphs, [label]).to_dict() == pytest.approx(expected)
    assert relation_total(paragraphs).fscore == scores["rel_micro_f"] == 0


def test_same_numbers_as_nlp_evaluate_on_a_real_pipeline(ruler_pipeline, corpus_tasks):
    """Per-paragraph counts summed give what the pipeline's own scorers (the ones `spacy train`
    reports) give on the same gold, entities per label and HAS_CHANGE."""
    nlp = spacy.load(ruler_pipeline)
    tasks = corpus_tasks[:80] + [task_with_spans(text, spans, links) for text, spans, links in LINKED]
    paragraphs = [score_paragraph(eg) for eg in predict_examples(nlp, tasks)]
    expected = nlp.evaluate([Example(nlp.make_doc(t["text"]), reference_doc(nlp.vocab, t)) for t in tasks])
    micro = entity_total(paragraphs)
    assert 0 < micro.tp and 0 < micro.fp and 0 < micro.fn  # a case with every kind of count
    assert (micro.precision, micro.recall, micro.fscore) == pytest.approx(
        (expected["ents_p"], expected["ents_r"], expected["ents_f"])
    )
    for label, scores in expected["ents_per_type"].items():
        assert entity_total(paragraphs, [label]).to_dict() == pytest.approx(scores)
    relations = relation_total(paragraphs)
    assert relations.tp > 0
    assert (relations.precision, relations.recall, relations.fscore) == pytest.approx(
        (expected["rel_micro_p"], expected["rel_micro_r"], expected["rel_micro_f"])
    )


def test_overlap_counts_the_boundary_error_as_found(paragraphs):
    assert overlap_f(["ORG"]).value(paragraphs) == 1
    # 3 of 5 predicted touch a gold span of their label, 3 of 4 gold spans are touched
    assert overlap_f().value(paragraphs) == pytest.approx(2 * 0.6 * 0.75 / 1.35)


def test_errors_are_classified(paragraphs):
    assert error_counts(paragraphs) == Counter(
        {("RATE", "wrong label"): 1, ("ORG", "boundary"): 1, ("CAMPAIGN", "spurious"): 1, ("COUNT", "wrong link"): 1}
    )
    assert sum((p.confusion for p in paragraphs), Counter()) == Counter(
        {
            ("COUNT", "COUNT"): 1,
            ("RATE", "PERCENT"): 1,
            ("ORG", "ORG"): 1,
            ("MONEY", "MONEY"): 1,
            ("spurious", "CAMPAIGN"): 1,
        }
    )
    grouped = worst_errors(paragraphs)
    assert list(grouped) == ["ORG", "CAMPAIGN", "COUNT", "RATE"]
    boundary = grouped["ORG"]["boundary"][0]
    assert (boundary.gold, boundary.predicted) == ([Mark(0, 6, "ORG")], [Mark(0, 3, "ORG")])
    assert boundary.note == "gold ORG “松川市公安局”, model ORG “松川市”"
    link = grouped["COUNT"]["wrong link"][0]
    assert link.gold == [Mark(4, 8, "COUNT"), Mark(13, 18, "RATE")]
    assert link.predicted == [Mark(13, 18, "PERCENT")]
    assert link.note == "gold “202起” → 13.2%; model no figure → 13.2%"


def test_worst_errors_keep_the_longest_of_each_kind(paragraphs):
    vocab = spacy.blank("zh").vocab
    text = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉。"
    gold = make_task(text, [make_span(i, i + 1 + i % 3, "ORG") for i in range(0, 18, 4)])
    paragraph = score_paragraph(Example(reference_doc(vocab, make_task(text, [])), reference_doc(vocab, gold)))
    missed = worst_errors([paragraph], per_kind=2)["ORG"]["missed"]
    assert [e.gold[0] for e in missed] == [Mark(8, 11, "ORG"), Mark(4, 6, "ORG")]


def test_values_and_relations(paragraphs):
    assert paragraphs[0].values == (0, 1) and paragraphs[1].values == (1, 1)
    assert VALUE_ACCURACY.value(paragraphs) == 0.5
    assert (relation_total(paragraphs).tp, relation_total(paragraphs).fn) == (0, 1)
    assert RELATION_F.value(paragraphs) == 0 and RELATION_F.value(paragraphs[1:]) is None
    assert RELATION_F.support(paragraphs) == 1


def test_bootstrap_interval_by_hand(paragraphs):
    """Two paragraphs: (tp, fp, fn) = (1, 1, 1), F 0.5, and (1, 2, 1), F 0.4. A resample holds
    the first twice (p = 1/4), the second twice (1/4) or both (1/2, F 4/9): the 95% interval
    runs from 0.4 to 0.5."""
    assert entity_f().interval(paragraphs) == pytest.approx((0.4, 0.5))
    assert entity_f().interval(paragraphs[:1] * 5) == pytest.approx((0.5, 0.5))
    assert entity_f().interval(paragraphs, seed=1) == entity_f().interval(paragraphs, seed=1)
    assert entity_f(["CAMPAIGN"]).interval(paragraphs[:1]) is None


def test_rows_from_the_records_comparison(examples):
    """Counts and errors from the records scorer's comparison (per gold record, in order:
    found, and the gold and predicted string of each field)."""
    paragraph = score_paragraph(examples[0])  # 破获案件202起,同比上升13.2%。
    gold = [
        {"start": 4, "end": 8, "label": "COUNT", "figure": "202起", "indicator": "破获案件", "period": None},
        {"start": 13, "end": 18, "label": "RATE", "figure": "13.2%", "indicator": "同比上升", "period": None},
    ]
    compared = [
        {"figure": "202起", "start": 4, "found": True, "indicator": ("破获案件", "案件"), "period": (None, None)},
        {"figure": "13.2%", "start": 13, "found": False, "indicator": ("同比上升", None), "period": (None, None)},
    ]
    add_rows(paragraph, gold, compared)
    assert paragraph.rows == {"indicator": (0, 2), "period": (1, 2)}
    assert row_accuracy("period").value([paragraph]) == 0.5
    (wrong,) = [e for e in paragraph.errors if e.kind in ("wrong indicator", "wrong period")]
    assert (wrong.kind, wrong.label) == ("wrong indicator", "COUNT")
    # the phrases where they stand before the figure: 破获案件 at 0, 案件 at 2
    assert wrong.gold == [Mark(4, 8, "COUNT"), Mark(0, 4, "INDICATOR")]
    assert wrong.predicted == [Mark(4, 8, "COUNT"), Mark(2, 4, "INDICATOR")]
    assert wrong.note == "“202起”: gold indicator “破获案件”, model “案件”"
