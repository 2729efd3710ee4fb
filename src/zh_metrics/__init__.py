"""zh-metrics: figures, change rates, organisations and campaigns from Chinese official reports.

import zh_metrics
nlp = zh_metrics.load()                      # the project's trained pipeline
for metric in zh_metrics.extract("破获案件202起,环比上升132.18%", nlp):
    print(metric.to_dict())
for record in zh_metrics.extract_file("report.pdf", nlp):
    print(record.to_dict())                  # with document, paragraph, page and date
"""

from .api import (
    ModelNotFound,
    PipelineError,
    extract,
    extract_document,
    extract_documents,
    extract_file,
    load,
    to_dataframe,
)
from .documents import Document, DocumentError, Paragraph, read_document, read_documents
from .pipeline.tokenizer import CharTokenizer
from .records import Change, Metric, Record

__all__ = [
    "CharTokenizer",
    "Change",
    "Document",
    "DocumentError",
    "Metric",
    "ModelNotFound",
    "Paragraph",
    "PipelineError",
    "Record",
    "extract",
    "extract_document",
    "extract_documents",
    "extract_file",
    "load",
    "read_document",
    "read_documents",
    "to_dataframe",
]
