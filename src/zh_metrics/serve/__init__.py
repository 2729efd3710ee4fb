"""The service and the page: `create_app(nlp)` (FastAPI, in the `serve` extra), and the one
renderer of a result (`render_spans`, `render_result`, `render_page`, `render_document`),
which needs nothing beyond the project itself."""

from __future__ import annotations

from typing import Any

from .analysis import Analysis, BadInput, analyse, gather, text_documents, upload_documents
from .render import render_document, render_page, render_result, render_spans


def __getattr__(name: str) -> Any:
    """`create_app` imports FastAPI only when asked for, so that the renderer works without it."""
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Analysis",
    "BadInput",
    "analyse",
    "gather",
    "create_app",
    "render_document",
    "render_page",
    "render_result",
    "render_spans",
    "text_documents",
    "upload_documents",
]
