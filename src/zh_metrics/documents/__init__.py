"""Reading the user's documents into cleaned paragraphs: text in any common Chinese encoding,
web pages, PDF and Word files, JSONL and standard input (see docs/documents.md)."""

from .clean import clean_text, paragraphs
from .document import Content, Document, DocumentError, Paragraph
from .readers import READERS, decode
from .sources import read_document, read_documents

__all__ = [
    "READERS",
    "Content",
    "Document",
    "DocumentError",
    "Paragraph",
    "clean_text",
    "decode",
    "paragraphs",
    "read_document",
    "read_documents",
]
