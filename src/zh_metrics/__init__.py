"""zh-metrics: figures, change rates, organisations and campaigns from Chinese official reports.

    import zh_metrics
    nlp = zh_metrics.load()                      # the project's trained pipeline
    for metric in zh_metrics.extract("破获案件202起,环比上升132.18%", nlp):
        print(metric.to_dict())
"""
from .records import Change, Metric, extract, extract_document, load, to_dataframe
from .tokenizer import CharTokenizer

__all__ = ["CharTokenizer", "Change", "Metric", "extract", "extract_document", "load", "to_dataframe"]
