"""zh-metrics: figures, change rates, organisations and campaigns from Chinese official reports.

import zh_metrics
nlp = zh_metrics.load()                      # the project's trained pipeline
for metric in zh_metrics.extract("破获案件202起,环比上升132.18%", nlp):
    print(metric.to_dict())
"""

from .api import ModelNotFound, PipelineError, extract, load, to_dataframe
from .pipeline.tokenizer import CharTokenizer
from .records import Change, Metric, extract_document

__all__ = [
    "CharTokenizer",
    "Change",
    "Metric",
    "ModelNotFound",
    "PipelineError",
    "extract",
    "extract_document",
    "load",
    "to_dataframe",
]
