"""The Python API: load a trained pipeline, extract records from text.

import zh_metrics
nlp = zh_metrics.load()                      # the project's trained pipeline
for metric in zh_metrics.extract("破获案件202起,环比上升132.18%", nlp):
    print(metric.to_dict())
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
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


def load(path: str | Path | None = None) -> Language:
    """The trained pipeline at `path`, by default the project's own `training/model-best`."""
    path = Path(path) if path is not None else DEFAULT_MODEL
    if not (path / "config.cfg").exists():
        raise ModelNotFound(
            f"no trained pipeline at {path}: run `spacy project run all` in the project folder "
            "(or `spacy project run train` after `convert`), or pass the path of a trained pipeline"
        )
    return spacy.load(path)


def extract(
    text_or_doc: str | Doc, nlp: Language | None = None, date: str | datetime.date | None = None
) -> list[Metric]:
    """Metric rows of one text or processed Doc; `date` (ISO or a date) is the document's,
    which relative periods such as 今年以来 count from."""
    doc = text_or_doc if isinstance(text_or_doc, Doc) else (nlp or load())(text_or_doc)
    return extract_document([doc], date=date)


def to_dataframe(metrics: Iterable[Metric]) -> pandas.DataFrame:
    """A pandas DataFrame of the records (change fields flattened); needs pandas installed."""
    try:
        import pandas as pd
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("to_dataframe needs pandas: pip install pandas") from err
    return pd.DataFrame([flatten(m) for m in metrics])
