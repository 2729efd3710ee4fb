"""What the service, the page and the `render` command show for one input: the text, its
entities with their normalised fields, the HAS_CHANGE links and the records.

An input is one or more documents, each a list of paragraphs (as `zh_metrics.documents` reads
them). Each paragraph is a Doc of its own, as in the `extract` command, and the paragraphs are
joined by line breaks into one `text`; every offset in the result (entities, relations, records'
start and end) refers to that text, so `text[start:end]` is always the span's own text.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..corpus.tasks import predicted_relations, predicted_spans
from ..documents import paragraphs, read_documents
from ..pipeline.vocabulary import REL_LABEL
from ..records import Metric, extract_document, format_records

Document = tuple[str, list[str]]
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
    records: list[tuple[str, Metric]] = field(default_factory=list)
    date: datetime.date | None = None

    def record_dicts(self) -> list[dict[str, Any]]:
        """Each record as `extract --format jsonl` writes it: its document, then the Metric."""
        return [{"document": name, **metric.to_dict()} for name, metric in self.records]

    def to_dict(self) -> dict[str, Any]:
        """The JSON answer of `POST /extract`."""
        return {
            "text": self.text,
            "date": self.date.isoformat() if self.date else None,
            "records": self.record_dicts(),
            "entities": self.entities,
            "relations": self.relations,
        }

    def csv(self) -> str:
        """The records as `extract --format csv` writes them."""
        return format_records(self.records, "csv")


def analyse(nlp: Language, documents: list[Document], date: datetime.date | None = None) -> Analysis:
    """Process the documents' paragraphs and gather what was found."""
    return gather(documents, list(nlp.pipe(para for _, paras in documents for para in paras)), date)


def gather(documents: list[Document], docs: list[Doc], date: datetime.date | None = None) -> Analysis:
    """What the pipeline found in the documents, given their processed paragraphs in order:
    entities, links and records with offsets into the paragraphs joined by line breaks. The
    records are made document by document, so a figure gets the organisation and campaign in
    scope in its own document, as the `extract` command gives them."""
    flat = [(name, para) for name, paras in documents for para in paras]
    if len(flat) != len(docs):
        raise ValueError(f"{len(flat)} paragraphs but {len(docs)} processed docs")
    analysis = Analysis("\n".join(para for _, para in flat), date=date)
    by_document: dict[str, list[tuple[int, Doc]]] = {}
    offset = 0
    for (name, para), doc in zip(flat, docs):
        for span in predicted_spans(doc):
            fields = {k: v for k, v in span.items() if k not in TOKEN_FIELDS}
            analysis.entities.append({**fields, "start": span["start"] + offset, "end": span["end"] + offset})
        for (hs, he), (cs, ce) in predicted_relations(doc):
            analysis.relations.append(
                {"head": [hs + offset, he + offset], "child": [cs + offset, ce + offset], "label": REL_LABEL}
            )
        by_document.setdefault(name, []).append((offset, doc))
        offset += len(para) + 1
    for name, paragraph_docs in by_document.items():
        metrics = iter(extract_document([doc for _, doc in paragraph_docs]))
        # the rows come paragraph after paragraph, as many for each as it gives on its own
        for start, doc in paragraph_docs:
            for metric in itertools.islice(metrics, len(extract_document([doc]))):
                moved = dataclasses.replace(metric, start=metric.start + start, end=metric.end + start)
                analysis.records.append((name, moved))
    return analysis


def text_documents(text: str, name: str = "text") -> list[Document]:
    """Pasted text as one document of paragraphs, split as the `extract` command splits files."""
    paras = [para for _, para in paragraphs(text)]
    return [(name, paras)] if paras else []


def file_documents(path: str) -> list[Document]:
    """The documents of a file (or folder, or `-`) read by `zh_metrics.documents`, as the
    `extract` command reads them; problems raise BadInput, one line each, naming the file."""
    documents, problems = read_documents([path])
    if problems:
        raise BadInput("file", "; ".join(problems))
    return [(name, [para for _, para in paras]) for name, paras in documents]


def upload_documents(filename: str, data: bytes) -> list[Document]:
    """An uploaded file, read like `file_documents` reads a file of the same name, so every
    format the `extract` command reads is read here too."""
    name = _safe_name(filename)
    with tempfile.TemporaryDirectory(prefix="zh-metrics-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            documents = file_documents(str(path))
        except BadInput as err:
            raise BadInput(err.field, err.message.replace(str(path), name)) from None
    return [(doc_name.replace(str(path), name), paras) for doc_name, paras in documents]


def _safe_name(filename: str) -> str:
    """The uploaded file's own name without any folder, usable as a file name here."""
    name = "".join(ch for ch in Path(filename.replace("\\", "/")).name if ch.isprintable())[-120:]
    return name if name not in ("", ".", "..") else "upload.txt"
