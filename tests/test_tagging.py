"""The BILUO tagger NER and its pair embeddings: the decoder always returns the best valid
tag sequence; each token gets the pairs it forms with its neighbours."""

import itertools

import numpy as np
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from zh_metrics.pipeline.embed import dilated_window, dilated_window_encoder, pair_hash_embed, pair_ids
from zh_metrics.pipeline.tagging import decode, spans_of, tag_names, transition_rules, viterbi

LABELS = ("ORG", "COUNT")
NAMES = tag_names(LABELS)
RULES = transition_rules(len(LABELS))


def is_valid(path) -> bool:
    allowed, may_start, may_end = RULES
    return bool(may_start[path[0]] and may_end[path[-1]] and all(allowed[a, b] for a, b in zip(path, path[1:])))


def test_rules_follow_biluo():
    allowed, may_start, may_end = RULES
    index = NAMES.index
    assert allowed[index("B-ORG"), index("I-ORG")] and allowed[index("I-ORG"), index("L-ORG")]
    assert not allowed[index("B-ORG"), index("L-COUNT")] and not allowed[index("B-ORG"), index("O")]
    assert allowed[index("L-ORG"), index("U-COUNT")] and not allowed[index("O"), index("I-ORG")]
    assert [NAMES[i] for i in np.flatnonzero(may_start)] == ["O", "B-ORG", "U-ORG", "B-COUNT", "U-COUNT"]
    assert [NAMES[i] for i in np.flatnonzero(may_end)] == ["O", "L-ORG", "U-ORG", "L-COUNT", "U-COUNT"]


def test_a_valid_argmax_is_kept_and_an_invalid_one_repaired():
    scores = np.full((4, len(NAMES)), -5.0)
    for i, tag in enumerate(["B-ORG", "I-ORG", "L-ORG", "O"]):
        scores[i, NAMES.index(tag)] = 0.0
    assert [NAMES[t] for t in decode(scores, *RULES)] == ["B-ORG", "I-ORG", "L-ORG", "O"]
    scores[0, NAMES.index("B-ORG")] = -1.0  # now the argmax starts inside an entity
    scores[0, NAMES.index("I-ORG")] = 0.0
    assert [NAMES[t] for t in decode(scores, *RULES)] == ["B-ORG", "I-ORG", "L-ORG", "O"]


def best_valid(scores):
    return max(
        (path for path in itertools.product(range(len(NAMES)), repeat=len(scores)) if is_valid(path)),
        key=lambda path: sum(scores[i, t] for i, t in enumerate(path)),
    )


def total(scores, path):
    return sum(scores[i, t] for i, t in enumerate(path))


score_arrays = arrays(np.float64, st.tuples(st.integers(1, 4), st.just(len(NAMES))), elements=st.floats(-4, 4))


@settings(max_examples=60, deadline=None)
@given(score_arrays)
def test_viterbi_finds_the_best_valid_sequence(scores):
    found = viterbi(scores, *RULES)
    assert is_valid(list(found))
    assert np.isclose(total(scores, found), total(scores, best_valid(scores)))


@settings(max_examples=100, deadline=None)
@given(score_arrays, st.sampled_from([0.0, 2.0, 6.0]))
def test_decoder_is_valid_keeps_sure_outside_tags_and_is_best_between_them(scores, sure):
    found = decode(scores, *RULES, sure=sure)
    assert is_valid(list(found))
    ordered = np.sort(scores, axis=1)
    sure_outside = (scores.argmax(axis=1) == 0) & (ordered[:, -1] - ordered[:, -2] >= sure)
    assert all(found[i] == 0 for i in np.flatnonzero(sure_outside))
    if not sure_outside.any():  # one stretch: the whole doc is decoded exactly
        assert np.isclose(total(scores, found), total(scores, best_valid(scores)))


def test_tags_become_entities():
    doc = spacy.blank("zh").make_doc("晋城市公安局破获案件202起")
    tags = ["O"] * len(doc)
    tags[0:6] = ["B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "L-ORG"]
    tags[-1] = "U-COUNT"
    spans = spans_of(doc, np.array([NAMES.index(t) for t in tags]), LABELS)
    assert [(s.text, s.label_) for s in spans] == [("晋城市公安局", "ORG"), (doc[-1].text, "COUNT")]


def test_pair_ids_name_each_token_with_its_neighbours():
    ids = np.array([11, 22, 33], dtype=np.uint64)
    left, right = pair_ids(ids)
    assert left[1] == right[0] and left[2] == right[1]  # the pair (11, 22) is one id either way
    assert len(set(left.tolist()) | set(right.tolist())) == 4  # edge+11, 11+22, 22+33, 33+edge
    again_left, _ = pair_ids(np.array([99, 22, 33], dtype=np.uint64))
    assert again_left[2] == left[2] and again_left[1] != left[1]


def test_pair_embedding_gives_one_vector_per_token():
    nlp = spacy.blank("zh")
    model = pair_hash_embed(width=16, attrs=["NORM", "SHAPE"], rows=[100, 10], pair_rows=100)
    docs = [nlp.make_doc("破获案件202起"), nlp.make_doc("公安")]
    model.initialize(X=docs)
    vectors = model.predict(docs)
    assert [v.shape for v in vectors] == [(len(docs[0]), 16), (2, 16)]


def test_a_dilated_window_takes_every_other_neighbour():
    X = np.arange(10, dtype="f").reshape(5, 2)
    Y, backprop = dilated_window(window_size=1, dilation=2)(X, is_train=True)
    # row i is [row i-2, row i, row i+2], zeros past the edges
    assert Y.tolist() == [
        [0, 0, 0, 1, 4, 5],
        [0, 0, 2, 3, 6, 7],
        [0, 1, 4, 5, 8, 9],
        [2, 3, 6, 7, 0, 0],
        [4, 5, 8, 9, 0, 0],
    ]
    # each row's gradient is the sum over the windows it went into
    assert backprop(np.ones_like(Y)).tolist() == [[2, 2], [2, 2], [3, 3], [2, 2], [2, 2]]


def test_the_dilated_encoder_sees_twelve_tokens_either_side_and_never_another_document():
    rng = np.random.default_rng(0)
    encoder = dilated_window_encoder(width=8, window_size=3, dilations=[1, 3], maxout_pieces=2)
    docs = [rng.random((30, 8), dtype="f"), rng.random((5, 8), dtype="f")]
    encoder.initialize(X=docs)
    before = encoder.predict(docs)
    changed = [docs[0].copy(), docs[1]]
    changed[0][0] += 1.0
    after = encoder.predict(changed)
    moved = [i for i in range(30) if not np.allclose(before[0][i], after[0][i])]
    assert moved == list(range(13))  # 3 + 3 × 3 tokens to the right of the change, and itself
    assert np.array_equal(before[1], after[1])
