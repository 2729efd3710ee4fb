"""What the service, the page and the `render` command show for one input: the text, its
entities with their normalised fields, the HAS_CHANGE links and the records.

An input is one or more `zh_metrics.documents.Document`s: a pasted text is cleaned and split
into paragraphs as a text file is, an uploaded file is read as `extract` reads it. Each
paragraph is a Doc of its own, as in `extract`, and the paragraphs are joined by line breaks
into one `text`; every offset in the result (entities, relations, and the records' `start` and
`end`, which `extract` gives within their paragraph) refers to that text, so `text[start:end]`
is always the span's own text.
"""

from __future__ import annotations

import dataclasses
import datetime
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..corpus.tasks import predicted_relations, predicted_spans
from ..documents import Document, paragraphs, read_documents
from ..pipeline.vocabulary import REL_LABEL
from ..records import Record, format_records, metrics_by_paragraph

TOKEN_FIELDS = ("token_start", "token_end")


@dataclass
class BadInput(ValueError):
    """An input the service cannot read: the request field it came from, and one line that
    says what is wrong and names the field (or the file and line)."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class Analysis:
    """The joined text of the input and everything found in it, offsets into `text`."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)
    relations: list[dict[str, Any]] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)

    def record_dicts(self) -> list[dict[str, Any]]:
        """Each record as `extract --format jsonl` writes it: where it came from, then the Metric."""
        return [record.to_dict() for record in self.records]

    def to_dict(self) -> dict[str, Any]:
        """The JSON answer of `POST /extract`."""
        return {
            "text": self.text,
            "records": self.record_dicts(),
            "entities": self.entities,
            "relations": self.relations,
        }

    def csv(self) -> str:
        """The records as `extract --format csv` writes them."""
        return format_records(self.records, "csv")


def analyse(nlp: Language, documents: list[Document]) -> Analysis:
    """Process the documents' paragraphs and gather what was found."""
    return gather(documents, list(nlp.pipe(p.text for document in documents for p in document.paragraphs)))


def gather(documents: list[Document], docs: list[Doc]) -> Analysis:
    """What the pipeline found in the documents, given their processed paragraphs in order:
    entities, links and records with offsets into the paragraphs joined by line breaks. The
    records are made document by document, so a figure gets the organisation and campaign in
    scope in its own document, as `extract` gives them."""
    flat = [(document, paragraph) for document in documents for paragraph in document.paragraphs]
    if len(flat) != len(docs):
        raise ValueError(f"{len(flat)} paragraphs but {len(docs)} processed docs")
    analysis = Analysis("\n".join(paragraph.text for _, paragraph in flat))
    by_document: dict[int, list[tuple[int, Doc]]] = {}
    offset = 0
    for (document, paragraph), doc in zip(flat, docs):
        for span in predicted_spans(doc):
            fields = {k: v for k, v in span.items() if k not in TOKEN_FIELDS}
            analysis.entities.append({**fields, "start": span["start"] + offset, "end": span["end"] + offset})
        for (hs, he), (cs, ce) in predicted_relations(doc):
            analysis.relations.append(
                {"head": [hs + offset, he + offset], "child": [cs + offset, ce + offset], "label": REL_LABEL}
            )
        by_document.setdefault(id(document), []).append((offset, doc))
        offset += len(paragraph.text) + 1
    for document in documents:
        placed = by_document.get(id(document), [])
        for index, metric in metrics_by_paragraph([doc for _, doc in placed], document.date):
            start = placed[index][0]
            moved = dataclasses.replace(
                metric,
                start=metric.start + start,
                end=metric.end + start,
                organisation_start=None if metric.organisation_start is None else metric.organisation_start + start,
                campaign_start=None if metric.campaign_start is None else metric.campaign_start + start,
            )
            paragraph = document.paragraphs[index]
            analysis.records.append(Record(moved, document.name, paragraph.number, paragraph.page, document.date))
    return analysis


def text_documents(text: str, date: datetime.date | None = None, name: str = "text") -> list[Document]:
    """Pasted text as one document, cleaned and split into paragraphs as a text file is."""
    found = paragraphs([(None, text)], first_line=1)
    return [Document(name, "txt", found, date=date)] if found else []


def file_documents(path: str, date: datetime.date | None = None) -> list[Document]:
    """The documents of a file (or folder, or `-`) read by `zh_metrics.documents`, as `extract`
    reads them; `date` replaces their metadata's. Problems raise BadInput, one line each."""
    documents, problems = read_documents([path], date=date)
    if problems:
        raise BadInput("file", "; ".join(problems))
    return documents


def upload_documents(filename: str, data: bytes, date: datetime.date | None = None) -> list[Document]:
    """An uploaded file, read like `file_documents` reads a file of the same name, so every
    format `extract` reads is read here too."""
    name = _safe_name(filename)
    with tempfile.TemporaryDirectory(prefix="zh-metrics-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            documents = file_documents(str(path), date)
        except BadInput as err:
            raise BadInput(err.field, err.message.replace(str(path), name)) from None
    return [dataclasses.replace(document, name=document.name.replace(str(path), name)) for document in documents]


def _safe_name(filename: str) -> str:
    """The uploaded file's own name without any folder, usable as a file name here."""
    name = "".join(ch for ch in Path(filename.replace("\\", "/")).name if ch.isprintable())[-120:]
    return name if name not in ("", ".", "..") else "upload.txt"
