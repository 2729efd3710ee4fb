"""zh-metrics: figures, change rates, organisations and campaigns from Chinese official reports."""
from .tokenizer import CharTokenizer

__all__ = ["CharTokenizer"]
