"""Records: one row per figure, with its indicator, change, period, organisation and campaign.

`extract_document` turns the processed paragraphs of one document (title first) into Metric
rows. A `Record` is a Metric with where it came from (document, paragraph, page) and the
document's date. `format_records` writes records as JSONL, CSV or a table; `record_rows` and
`parquet_bytes` give them in the one Parquet schema (`RECORD_FIELDS`) that every engine writes.
"""

from .document import extract_document, metrics_by_paragraph
from .formats import COLUMNS, display_width, format_records, task_record
from .indicator import indicator_of
from .metric import Change, Metric, Record, flatten
from .parquet import RECORD_FIELDS, MissingExtra, parquet_bytes, pyarrow_module, record_rows, record_schema
from .period import parse_date
from .scope import mention_end

__all__ = [
    "COLUMNS",
    "RECORD_FIELDS",
    "Change",
    "Metric",
    "MissingExtra",
    "Record",
    "display_width",
    "extract_document",
    "flatten",
    "format_records",
    "indicator_of",
    "mention_end",
    "metrics_by_paragraph",
    "parquet_bytes",
    "parse_date",
    "pyarrow_module",
    "record_rows",
    "record_schema",
    "task_record",
]
