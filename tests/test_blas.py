"""`zh_metrics.numpy_blas.v1`: the default pipeline multiplies through numpy, with the same results."""

import numpy
import spacy
from thinc.api import NumpyOps, Ops, get_current_ops, set_current_ops

from zh_metrics.pipeline.blas import create_numpy_blas


def component_ops(nlp) -> list:
    return [
        node.ops
        for _, pipe in nlp.pipeline
        if hasattr(pipe, "model") and hasattr(pipe.model, "walk")
        for node in pipe.model.walk()
    ]


def test_default_pipeline_multiplies_through_numpy(tiny_model):
    ops = component_ops(spacy.load(tiny_model))
    assert ops and all(type(o) is NumpyOps and not o.use_blis for o in ops)


def test_numpy_and_blis_give_the_same_scores(tiny_model, corpus_tasks):
    """Vectors and tag scores agree up to float rounding. (Entities of a model trained for six
    steps sit on near-ties, so rounding may flip them; the trained model's did not change on
    the 627 paragraphs of the dev split and the real reports.)"""
    on_numpy = spacy.load(tiny_model)
    on_blis = spacy.load(tiny_model, config={"nlp": {"after_pipeline_creation": None}})
    assert all(o.use_blis for o in component_ops(on_blis))
    texts = [t["text"] for t in corpus_tasks[:30]]
    for name in ("tok2vec", "ner"):
        scores_numpy = on_numpy.get_pipe(name).model.predict([on_numpy.make_doc(t) for t in texts])
        scores_blis = on_blis.get_pipe(name).model.predict([on_blis.make_doc(t) for t in texts])
        for a, b in zip(scores_numpy, scores_blis):
            numpy.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_other_ops_are_left_alone(tiny_model):
    nlp = spacy.load(tiny_model, config={"nlp": {"after_pipeline_creation": None}})
    before = component_ops(nlp)
    previous = get_current_ops()
    set_current_ops(Ops())  # stands for a GPU's ops
    try:
        create_numpy_blas()(nlp)
    finally:
        set_current_ops(previous)
    assert component_ops(nlp) == before
