"""The Python API: load a trained pipeline, extract records from text.

import zh_metrics
nlp = zh_metrics.load()                      # the project's trained pipeline
for metric in zh_metrics.extract("破获案件202起,环比上升132.18%", nlp):
    print(metric.to_dict())
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .records import Metric, extract_document, flatten

if TYPE_CHECKING:
    import pandas

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "training" / "model-best"


class ModelNotFound(FileNotFoundError):
    """No trained pipeline where one was expected."""


def model_path(path: str | Path | None = None) -> Path:
    """The folder of a trained pipeline, by default the project's own `training/model-best`;
    ModelNotFound when there is no pipeline there."""
    path = Path(path) if path is not None else DEFAULT_MODEL
    if not (path / "config.cfg").exists():
        raise ModelNotFound(
            f"no trained pipeline at {path}: run `spacy project run all` in the project folder "
            "(or `spacy project run train` after `convert`), or pass the path of a trained pipeline"
        )
    return path


def load(path: str | Path | None = None) -> Language:
    """The trained pipeline at `path`, by default the project's own `training/model-best`."""
    return spacy.load(model_path(path))


def extract(text_or_doc: str | Doc, nlp: Language | None = None) -> list[Metric]:
    """Metric rows of one text or processed Doc."""
    doc = text_or_doc if isinstance(text_or_doc, Doc) else (nlp or load())(text_or_doc)
    return extract_document([doc])


def pipe_documents(
    nlp: Language,
    documents: Iterable[tuple[str, list[tuple[int, str]]]],
    batch_size: int = 64,
    n_process: int = 1,
    progress: Callable[[Iterator[Doc]], Iterable[Doc]] | None = None,
) -> Iterator[tuple[str, list[tuple[int, Doc]]]]:
    """Each document of `read_documents` with its paragraphs processed, as (name, [(line, Doc)]).
    The paragraphs of all documents stream through one `nlp.pipe`, so that batches fill
    whatever the document sizes; `progress` may wrap the stream of Docs (a progress bar)."""
    flat = [(name, line, text) for name, paras in documents for line, text in paras]
    docs: Iterable[Doc] = nlp.pipe((text for _, _, text in flat), batch_size=batch_size, n_process=n_process)
    if progress is not None:
        docs = progress(iter(docs))
    paired = zip(flat, docs)
    for name, group in itertools.groupby(paired, key=lambda pair: pair[0][0]):
        yield name, [(line, doc) for (_, line, _), doc in group]


def to_dataframe(metrics: Iterable[Metric]) -> pandas.DataFrame:
    """A pandas DataFrame of the records (change fields flattened); needs pandas installed."""
    try:
        import pandas as pd
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("to_dataframe needs pandas: pip install pandas") from err
    return pd.DataFrame([flatten(m) for m in metrics])
