"""The Python API: load a trained pipeline, extract records from text, files and documents.

import zh_metrics
nlp = zh_metrics.load()                      # the project's trained pipeline
for metric in zh_metrics.extract("破获案件202起,环比上升132.18%", nlp):
    print(metric.to_dict())
for record in zh_metrics.extract_file("report.pdf", nlp):
    print(record.to_dict())                  # with document, paragraph, page and date
"""

from __future__ import annotations

import datetime
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import records
from .documents import Document, DocumentError, Paragraph, read_documents
from .records import Metric, Record, flatten

if TYPE_CHECKING:
    import pandas

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "training" / "model-best"


class ModelNotFound(FileNotFoundError):
    """No trained pipeline where one was expected."""


class PipelineError(ValueError):
    """A pipeline folder that exists but cannot be loaded; the message names what is wrong."""


def model_path(path: str | Path | None = None) -> Path:
    """The folder of a trained pipeline, by default the project's own `training/model-best`;
    ModelNotFound, with a one-line message, when there is no pipeline there."""
    path = Path(path) if path is not None else DEFAULT_MODEL
    if not (path / "config.cfg").exists():
        raise ModelNotFound(
            f"no trained pipeline at {path}: run `spacy project run all` in the project folder "
            "(or `spacy project run train` after `convert`), or pass the path of a trained pipeline"
        )
    return path


def load(path: str | Path | None = None) -> Language:
    """The trained pipeline at `path`, by default the project's own `training/model-best`.

    A missing pipeline raises ModelNotFound, a broken one PipelineError, each with a one-line
    message that names the folder or file."""
    path = model_path(path)
    try:
        return spacy.load(path)
    except Exception as err:  # any failure to read a folder that looked like a pipeline
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise PipelineError(f"{path}: cannot load this pipeline: {reason}") from err


def extract(
    text_or_doc: str | Doc, nlp: Language | None = None, date: str | datetime.date | None = None
) -> list[Metric]:
    """Metric rows of one text or processed Doc; `date` (ISO or a date) is the document's,
    which relative periods such as 今年以来 count from."""
    doc = text_or_doc if isinstance(text_or_doc, Doc) else (nlp or load())(text_or_doc)
    return records.extract_document([doc], date=date)


def extract_file(
    path: str | Path,
    nlp: Language | None = None,
    *,
    encoding: str | None = None,
    date: datetime.date | None = None,
) -> list[Record]:
    """Records of the report(s) in one file: .txt in any common Chinese encoding (or
    `encoding`), .html, .pdf, .docx, or .jsonl (one report a line). `date` replaces the date of
    the file's metadata. A file that cannot be read raises DocumentError, naming what is wrong."""
    documents, problems = read_documents([path], encoding=encoding, date=date)
    if problems:
        raise DocumentError("\n".join(problems))
    return list(extract_documents(documents, nlp or load()))


def extract_document(document: Document, nlp: Language | None = None) -> list[Record]:
    """Records of one Document (see zh_metrics.documents), its paragraphs as one report."""
    return list(extract_documents([document], nlp or load()))


def extract_documents(
    documents: Iterable[Document], nlp: Language, *, batch_size: int = 64, n_process: int = 1
) -> Iterator[Record]:
    """Records of each document in turn, its paragraphs sharing the organisation and campaign in
    scope. All paragraphs go through one `nlp.pipe`, read lazily from `documents`."""
    from threadpoolctl import threadpool_limits

    pending: deque[tuple[Document, Paragraph]] = deque()

    def texts() -> Iterator[str]:
        for document in documents:
            for paragraph in document.paragraphs:
                pending.append((document, paragraph))
                yield paragraph.text

    current: list[tuple[Paragraph, Doc]] = []
    current_document: Document | None = None
    # several processes share the cores: one BLAS thread each, or they would crowd each other
    with threadpool_limits(limits=1 if n_process > 1 else None):
        for doc in nlp.pipe(texts(), batch_size=batch_size, n_process=n_process):
            document, paragraph = pending.popleft()
            if document is not current_document:
                if current_document is not None:
                    yield from _records(current_document, current)
                current_document, current = document, []
            current.append((paragraph, doc))
    if current_document is not None:
        yield from _records(current_document, current)


def _records(document: Document, paragraphs: list[tuple[Paragraph, Doc]]) -> Iterator[Record]:
    for index, metric in records.metrics_by_paragraph([doc for _, doc in paragraphs], document.date):
        paragraph = paragraphs[index][0]
        yield Record(metric, document.name, paragraph.number, paragraph.page, document.date)


def to_dataframe(rows: Iterable[Metric | Record]) -> pandas.DataFrame:
    """A pandas DataFrame of metrics or records (change fields flattened); needs pandas installed."""
    try:
        import pandas as pd
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("to_dataframe needs pandas: pip install pandas") from err
    return pd.DataFrame([flatten(row) for row in rows])
