"""Any text through the whole pipeline: no exception, and every figure either has a value or
says why it has none."""

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.training import Example

import zh_metrics
from conftest import char_nlp
from zh_metrics.corpus.tasks import prediction_task, task_to_doc


@pytest.fixture(scope="module")
def random_ner_pipeline(corpus_tasks):
    """The project's pipeline with an initialised but untrained NER: it marks arbitrary
    spans, which is what a fuzz test wants to feed the normaliser and the linker."""
    nlp = char_nlp()
    nlp.add_pipe("ner")
    nlp.add_pipe("figure_normaliser")
    nlp.add_pipe("change_linker")
    examples = [Example(nlp.make_doc(t["text"]), task_to_doc(nlp.vocab, t)) for t in corpus_tasks[:300]]
    nlp.initialize(lambda: examples)
    return nlp


TEXT = st.text(
    alphabet=st.sampled_from(
        list(
            "0123456789.,%余多万亿元起人名同比环比上升下降倍成个百分点近约逾以上左右、,。“”《》\n 一二三十百千两的是公安局行动"
        )
    ),
    max_size=80,
) | st.text(max_size=40)


LABELS = ["ORG", "CAMPAIGN", "MONEY", "COUNT", "PERCENT", "RATE"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXT, st.data())
def test_any_text_through_the_pipeline(random_ner_pipeline, text, data):
    doc = random_ner_pipeline(text)
    check(doc)
    # and any entities at all, handed to the normaliser and the linker
    doc = random_ner_pipeline.make_doc(text)
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(doc)), max_size=8))))
    spans = [doc[a:b] for a, b in zip(cuts[::2], cuts[1::2]) if b > a]
    doc.ents = [spacy.tokens.Span(doc, s.start, s.end, label=data.draw(st.sampled_from(LABELS))) for s in spans]
    for name in ("figure_normaliser", "change_linker"):
        doc = random_ner_pipeline.get_pipe(name)(doc)
    check(doc)


def check(doc):
    for ent in doc.ents:
        if ent.label_ in ("MONEY", "COUNT", "PERCENT", "RATE"):
            assert (ent._.value is None) == (ent._.value_error is not None)
    prediction_task(doc)
    zh_metrics.extract(doc)
