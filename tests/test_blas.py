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


def test_one_pass_layernorm_gives_thincs_result_and_trains_as_thinc():
    from thinc.api import LayerNorm

    from zh_metrics.pipeline.blas import one_pass_layernorm

    X = numpy.random.default_rng(0).normal(2.0, 3.0, size=(40, 16)).astype("float32")
    layer = LayerNorm(nI=16)
    layer.initialize(X=X)
    layer.set_param("G", numpy.linspace(0.5, 1.5, 16, dtype="float32"))
    layer.set_param("b", numpy.linspace(-1, 1, 16, dtype="float32"))
    expected = layer.predict(X)
    fast, _ = one_pass_layernorm(layer, X.copy(), is_train=False)
    numpy.testing.assert_allclose(fast, expected, rtol=1e-5, atol=1e-5)
    trained, backprop = one_pass_layernorm(layer, X, is_train=True)  # thinc's own, with its backward
    numpy.testing.assert_allclose(trained, expected, rtol=1e-6, atol=1e-6)
    assert backprop(numpy.ones_like(X)).shape == X.shape


def test_the_pipeline_normalises_in_one_pass(tiny_model):
    from zh_metrics.pipeline.blas import one_pass_layernorm

    nlp = spacy.load(tiny_model)
    funcs = [node._func for node in nlp.get_pipe("tok2vec").model.walk() if node.name == "layernorm"]
    assert funcs and all(f is one_pass_layernorm for f in funcs)
