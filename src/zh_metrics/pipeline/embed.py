"""Character and character-pair hash embeddings for the tok2vec.

A Chinese character alone says little; the pair it forms with a neighbour (公安, 检察, 万元)
often names a word. Embedding both pairs of each token gives a narrow, shallow CNN the word
identities a wider one would have to learn, at the cost of two table lookups per token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import numpy as np
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import HashEmbed, Maxout, Model, chain, concatenate, list2ragged, ragged2list, with_array
from thinc.types import Floats2d, Ints2d

# an odd 64-bit constant (the golden ratio's): multiplying by it spreads the left id's bits
PAIR_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
EDGE = np.uint64(0x5A5A5A5A5A5A5A5A)  # stands for "no neighbour" at a document's edges


def pair_ids(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each token, an id for the pair it forms with the token before and with the one after."""
    padded = np.concatenate([[EDGE], ids, [EDGE]]).astype(np.uint64)
    with np.errstate(over="ignore"):
        pairs = padded[:-1] * PAIR_MULTIPLIER + padded[1:]
    return pairs[:-1], pairs[1:]


def PairFeatures(attrs: list[str]) -> Model[list[Doc], list[Ints2d]]:
    """The token attributes as columns, then the left and right pair ids of the first one."""
    return Model("pair_features", pair_features_forward, attrs={"columns": attrs})


def pair_features_forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[list[Ints2d], Callable]:
    # a module-level function, so the model pickles for nlp.pipe(n_process=...) under spawn
    attrs = model.attrs["columns"]
    features = []
    for doc in docs:
        columns = doc.to_array(attrs).reshape((len(doc), len(attrs))).astype(np.uint64)
        left, right = pair_ids(columns[:, 0])
        features.append(model.ops.asarray2i(cast(Ints2d, np.column_stack([columns, left, right])), dtype="uint64"))
    return features, lambda d_features: []


@registry.architectures("zh_metrics.PairHashEmbed.v1")
def pair_hash_embed(
    width: int, attrs: list[str], rows: list[int], pair_rows: int, maxout_pieces: int = 3
) -> Model[list[Doc], list[Floats2d]]:
    """spaCy's MultiHashEmbed over `attrs`, plus tables for the pairs of the first attribute
    (NORM: character pairs) with the token before and after, mixed by one maxout layer."""
    if len(rows) != len(attrs):
        raise ValueError(f"zh_metrics.PairHashEmbed.v1: {len(rows)} row counts for {len(attrs)} attributes")
    sizes = [*rows, pair_rows, pair_rows]
    embeddings: list[Model] = [HashEmbed(width, n, column=i, seed=8 + i, dropout=0.0) for i, n in enumerate(sizes)]
    mix: Model = with_array(Maxout(width, width * len(embeddings), nP=maxout_pieces, dropout=0.0, normalize=True))
    return chain(PairFeatures(attrs), list2ragged(), with_array(concatenate(*embeddings)), mix, ragged2list())
