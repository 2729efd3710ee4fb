"""The `zh-metrics` / `python -m zh_metrics` command line: thin commands over the API."""

from __future__ import annotations

from . import corpus, measure, records, serve  # noqa: F401  (the commands register on `app`)
from .common import app


def main() -> None:
    app(prog_name="zh-metrics")


__all__ = ["app", "main"]
