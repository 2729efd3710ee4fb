"""Records: one row per figure, with its indicator, change, period, organisation and campaign.

`extract_document` turns the processed paragraphs of one document (title first) into Metric
rows; `format_records` writes rows as JSONL, CSV or a table.
"""

from .document import extract_document
from .formats import COLUMNS, format_records, task_record
from .indicator import indicator_of
from .metric import Change, Metric, flatten
from .period import parse_date

__all__ = [
    "COLUMNS",
    "Change",
    "Metric",
    "extract_document",
    "flatten",
    "format_records",
    "indicator_of",
    "parse_date",
    "task_record",
]
