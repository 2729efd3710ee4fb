"""Matrix products through numpy's BLAS rather than thinc's bundled BLIS.

Where BLIS has no kernel for the CPU it falls back to generic code; numpy's OpenBLAS picks an
optimised one at run time. On this project's machine that makes the tok2vec about 1.7 times
faster for the same weights (docs/TRAINING.md); results agree up to float rounding.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language
from spacy.util import registry
from thinc.api import Model, NumpyOps, get_current_ops


@registry.callbacks("zh_metrics.numpy_blas.v1")
def create_numpy_blas() -> Callable[[Language], Language]:
    """An `after_pipeline_creation` callback: every component model on the CPU multiplies its
    matrices with numpy. Pipelines on a GPU (any ops other than thinc's NumpyOps) are left alone."""

    def use_numpy_blas(nlp: Language) -> Language:
        if type(get_current_ops()) is not NumpyOps:
            return nlp
        ops = NumpyOps(use_blis=False)
        for _, component in nlp.pipeline:
            model = getattr(component, "model", None)
            if isinstance(model, Model):
                for node in model.walk():
                    node.ops = ops
        return nlp

    return use_numpy_blas
