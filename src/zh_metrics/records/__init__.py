"""Records: one row per figure, with its indicator, change, period, organisation and campaign.

`extract_document` turns the processed paragraphs of one document (title first) into Metric
rows. A `Record` is a Metric with where it came from (document, paragraph, page) and the
document's date. `format_records` writes records as JSONL, CSV or a table.
"""

from .document import extract_document, metrics_by_paragraph
from .formats import COLUMNS, display_width, format_records, task_record
from .indicator import indicator_of
from .metric import Change, Metric, Record, flatten
from .period import parse_date
from .scope import mention_end

__all__ = [
    "COLUMNS",
    "Change",
    "Metric",
    "Record",
    "display_width",
    "extract_document",
    "flatten",
    "format_records",
    "indicator_of",
    "mention_end",
    "metrics_by_paragraph",
    "parse_date",
    "task_record",
]
