"""The report's numbers against a small case computed by hand: two documents, known errors."""

from collections import Counter

import pytest

from zh_metrics.corpus.tasks import make_span, make_task
from zh_metrics.measure.report import markdown_to_html, score_relations, score_spans, value_accuracy, worst_errors

GOLD = [
    make_task(
        "破获案件202起,同比上升13.2%。",
        [make_span(4, 8, "COUNT", value=202, unit="起"), make_span(13, 18, "RATE", value=0.132, unit="ratio")],
        [((4, 8), (13, 18))],
    ),
    make_task(
        "晋城市公安局冻结资金3.2亿元。",
        [make_span(0, 6, "ORG"), make_span(10, 15, "MONEY", value=320000000, unit="元")],
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


@pytest.fixture
def scores():
    return score_spans(zip(GOLD, PREDICTED))


def test_exact_scores_per_label(scores):
    assert scores.exact["COUNT"]["f"] == 1 and scores.exact["MONEY"]["f"] == 1
    assert (scores.exact["RATE"]["p"], scores.exact["RATE"]["r"]) == (0, 0)
    assert (scores.exact["ORG"]["tp"], scores.exact["ORG"]["pred"], scores.exact["ORG"]["gold"]) == (0, 1, 1)
    assert (scores.exact["CAMPAIGN"]["pred"], scores.exact["CAMPAIGN"]["gold"]) == (1, 0)
    # 2 right of 5 predicted and 4 gold
    assert scores.micro_exact["p"] == pytest.approx(2 / 5)
    assert scores.micro_exact["r"] == pytest.approx(2 / 4)
    assert scores.micro_exact["f"] == pytest.approx(2 * 0.4 * 0.5 / 0.9)


def test_overlap_scores_count_the_boundary_error_as_found(scores):
    assert scores.overlap["ORG"]["p"] == 1 and scores.overlap["ORG"]["r"] == 1
    assert scores.micro_overlap["p"] == pytest.approx(3 / 5)
    assert scores.micro_overlap["r"] == pytest.approx(3 / 4)


def test_errors_are_classified(scores):
    assert scores.error_counts == Counter({"label": 1, "boundary": 1, "spurious": 1})
    assert scores.confusion == Counter(
        {
            ("COUNT", "COUNT"): 1,
            ("RATE", "PERCENT"): 1,
            ("ORG", "ORG"): 1,
            ("MONEY", "MONEY"): 1,
            ("spurious", "CAMPAIGN"): 1,
        }
    )
    grouped = worst_errors(scores.errors)
    assert list(grouped) == ["label", "spurious", "boundary"]
    assert grouped["label"][0].gold == "RATE 13.2%" and grouped["label"][0].predicted == "PERCENT 13.2%"
    assert grouped["boundary"][0].context == "【晋城市公安局】冻结资金3.2亿"


def test_relations_and_values():
    assert score_relations(zip(GOLD, PREDICTED)) == {"p": 0.0, "r": 0.0, "f": 0.0, "tp": 0, "pred": 0, "gold": 1}
    linked = [make_task(GOLD[0]["text"], GOLD[0]["spans"], [((4, 8), (13, 18))]), PREDICTED[1]]
    assert score_relations(zip(GOLD, linked))["f"] == 1
    assert value_accuracy(zip(GOLD, PREDICTED)) == {"correct": 1, "total": 2, "accuracy": 0.5}


def test_html_keeps_tables_and_images():
    page = markdown_to_html("# T\n\n| a | b |\n|---|---|\n| 1 | <2> |\n\n![fig](x.png)\n")
    assert "<h1>T</h1>" in page and "<td>&lt;2&gt;</td>" in page and "<img src='x.png'" in page
