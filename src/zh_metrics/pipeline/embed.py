"""The tok2vec's own layers: character and character-pair hash embeddings, and a window
encoder whose layers look further apart.

A Chinese character alone says little; the pair it forms with a neighbour (公安, 检察, 万元)
often names a word. Embedding both pairs of each token gives a narrow, shallow CNN the word
identities a wider one would have to learn, at the cost of two table lookups per token.

Official names run to 10–25 characters (松川市人民检察院第一检察部, …联席会议办公室), longer than
the six characters either side a two-layer window of 3 sees. Spacing the second layer's window
(a dilated convolution) lets each character see twice as far for the same work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import numpy as np
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import (
    HashEmbed,
    Maxout,
    Model,
    chain,
    concatenate,
    expand_window,
    list2ragged,
    ragged2list,
    residual,
    with_array,
)
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


def dilated_window(window_size: int, dilation: int) -> Model[Floats2d, Floats2d]:
    """Each row concatenated with the rows `dilation`, 2×`dilation` … `window_size`×`dilation`
    before and after it (zeros past the edges): thinc's expand_window with gaps."""
    return Model("dilated_window", dilated_window_forward, attrs={"window_size": window_size, "dilation": dilation})


def dilated_window_forward(model: Model, X: Floats2d, is_train: bool) -> tuple[Floats2d, Callable]:
    n_rows, width = X.shape
    offsets = [k * model.attrs["dilation"] for k in range(-model.attrs["window_size"], model.attrs["window_size"] + 1)]
    margin = offsets[-1]
    padded = model.ops.alloc2f(n_rows + 2 * margin, width)
    padded[margin : margin + n_rows] = X
    Y = model.ops.xp.hstack([padded[margin + o : margin + o + n_rows] for o in offsets])

    def backprop(dY: Floats2d) -> Floats2d:
        d_padded = model.ops.alloc2f(n_rows + 2 * margin, width)
        for i, o in enumerate(offsets):
            d_padded[margin + o : margin + o + n_rows] += dY[:, i * width : (i + 1) * width]
        return d_padded[margin : margin + n_rows]

    return cast(Floats2d, Y), backprop


@registry.architectures("zh_metrics.DilatedWindowEncoder.v1")
def dilated_window_encoder(
    width: int, window_size: int, dilations: list[int], maxout_pieces: int
) -> Model[list[Floats2d], list[Floats2d]]:
    """spacy.MaxoutWindowEncoder.v2 with one residual maxout layer per entry of `dilations`,
    whose window takes every `dilation`-th neighbour. With window 3 and dilations [1, 3] each
    token sees 3 + 9 = 12 tokens either side, without gaps, at the cost of two layers."""
    layers = [
        residual(
            chain(
                expand_window(window_size) if dilation == 1 else dilated_window(window_size, dilation),
                Maxout(width, width * (2 * window_size + 1), nP=maxout_pieces, dropout=0.0, normalize=True),
            )
        )
        for dilation in dilations
    ]
    model: Model = chain(*layers)
    model.set_dim("nO", width)
    # zeros between documents, as wide as the receptive field: no window reads another document
    return with_array(model, pad=window_size * sum(dilations))
