"""One reader per file format: bytes in, text parts with title and date out (`Content`), or a
`DocumentError` that says what is wrong with the file. The libraries for HTML, PDF and DOCX are
the `documents` extra; each is imported when a file of its format is read."""

from __future__ import annotations

import codecs
import datetime
import io
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

from ..pipeline.vocabulary import PAGE_NUMBER_LINE
from .document import Content, DocumentError

EXTRA = "pip install 'zh-metrics[documents]'"
# encodings a Chinese text file comes in when it is not UTF-8 (GBK is a subset of GB18030)
CHINESE_ENCODINGS = ("gb18030", "big5")
# byte order marks, UTF-32 first: its little-endian BOM starts with UTF-16's
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# what a binary file given a text extension most often is, by its first bytes
MAGIC = {
    b"%PDF-": "a PDF file",
    b"PK\x03\x04": "a ZIP archive (a .docx?)",
    b"\xd0\xcf\x11\xe0": "an old Office file (.doc, .xls) or an encrypted one",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}
# control characters that never stand in text (tab, line feed, form feed and CR do)
BINARY_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
# characters a Chinese report is written with: what a right decoding gives and mojibake does not
REPORT_CHARS = re.compile(
    "[\t-\r -~\u00b7\u2010-\u2027\u2030-\u203b\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
)


def read_text(data: bytes, encoding: str | None = None) -> Content:
    """A plain text file: UTF-8 (with or without BOM), UTF-16/32 with a BOM, GB18030/GBK or
    Big5, or the `encoding` given; a binary file is refused, not read as mojibake."""
    return Content([(None, decode(data, encoding))])


def decode(data: bytes, encoding: str | None = None) -> str:
    """The text of `data`. A BOM decides; else UTF-8 when the bytes are valid UTF-8; else the
    Chinese encoding that charset-normalizer finds and that gives the most characters a report
    is written with (short GBK text can pass for Big5: the kana of the mojibake give it away)."""
    if encoding is None:
        encoding = next((name for bom, name in BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data:
        raise DocumentError(_binary(data))
    if encoding is not None:
        try:
            return _text(data.decode(encoding), data)
        except UnicodeDecodeError as err:
            raise DocumentError(f"not {encoding} text ({err.reason})", data[: err.start].count(b"\n") + 1) from None
    try:
        return _text(data.decode("utf-8"), data)
    except UnicodeDecodeError as err:
        not_utf8 = data[: err.start].count(b"\n") + 1
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data, cp_isolation=list(CHINESE_ENCODINGS), threshold=1.0))
    texts = [str(match) for match in matches]
    if not texts:
        raise DocumentError("not text in UTF-8, GB18030/GBK or Big5: give its encoding with --encoding", not_utf8)
    best = max(range(len(texts)), key=lambda i: (_report_share(texts[i]), -matches[i].chaos))
    return _text(data.decode(matches[best].encoding), data)


def _report_share(text: str) -> float:
    return len(REPORT_CHARS.findall(text)) / max(1, len(text))


def _text(text: str, data: bytes) -> str:
    if BINARY_CHARS.search(text):
        raise DocumentError(_binary(data))
    return text


def _binary(data: bytes) -> str:
    kind = next((kind for magic, kind in MAGIC.items() if data.startswith(magic)), None)
    return f"binary data, not text{f' ({kind})' if kind else ''}"


def read_html(data: bytes, encoding: str | None = None) -> Content:
    """A web page: its main text only (trafilatura drops navigation, sidebars, footers, scripts
    and the targets of links), one paragraph per block, with the page's title and date."""
    trafilatura = _import("trafilatura", "HTML")
    page: str | bytes = data if encoding is None else decode(data, encoding)
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    result = trafilatura.bare_extraction(
        page, with_metadata=True, include_comments=False, include_links=False, include_images=False
    )
    if result is None or not (result.text or "").strip():
        raise DocumentError("no main text found in this page")
    return Content([(None, "\n\n".join(result.text.splitlines()))], result.title or None, _date(result.date))


def read_pdf(data: bytes, encoding: str | None = None) -> Content:
    """A PDF's text layer, page by page, without lines that are only a page number; its title
    and creation date from the metadata. Encrypted (unless with an empty password), damaged, or
    without text (scanned) → a DocumentError."""
    pypdf = _import("pypdf", "PDF")
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _decrypted(reader):
            raise DocumentError("encrypted PDF: a password is needed to read it")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except Exception as err:  # pypdf raises errors of many kinds on a damaged file
        raise DocumentError(f"not a readable PDF ({type(err).__name__}: {err})") from None
    if not any(text.strip() for text in pages):
        raise DocumentError("PDF without a text layer (scanned pages?): run OCR on it first")
    parts = [(number, _without_page_numbers(text)) for number, text in enumerate(pages, 1)]
    metadata = reader.metadata
    title = (metadata.title or None) if metadata else None
    try:
        created = metadata.creation_date if metadata else None
    except ValueError:  # a malformed date string
        created = None
    return Content(parts, title, created.date() if created else None)


def _decrypted(reader: Any) -> bool:
    """Whether an encrypted PDF opens with the empty password (permissions-only encryption)."""
    from pypdf.errors import DependencyError

    try:
        return bool(reader.decrypt(""))
    except DependencyError as err:
        raise DocumentError(f"encrypted PDF that pypdf cannot decrypt here ({err})") from None


def _without_page_numbers(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not PAGE_NUMBER_LINE.match(line.strip()))


def read_docx(data: bytes, encoding: str | None = None) -> Content:
    """A Word document's body: paragraphs and table rows (cells parted by a tab) in order,
    without headers and footers; title and creation date from its properties."""
    docx = _import("docx", "DOCX")

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError("an encrypted Word file or an old .doc: save it as .docx without a password")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # python-docx, zipfile and lxml raise errors of many kinds on a damaged file
        raise DocumentError(f"not a readable DOCX file ({type(err).__name__}: {err})") from None
    blocks = list(_docx_blocks(document))
    properties = document.core_properties
    created = properties.created
    return Content([(None, "\n\n".join(blocks))], properties.title or None, created.date() if created else None)


def _docx_blocks(document: Any) -> Iterator[str]:
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[Any] = []
                for cell in row.cells:  # a merged cell comes once for every column it spans
                    if not cells or cell._tc is not cells[-1]._tc:
                        cells.append(cell)
                yield "\t".join(cell.text for cell in cells)
        else:
            yield block.text


def _import(module: str, what: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise DocumentError(f"reading {what} needs {err.name}: {EXTRA}") from None


def _date(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


Reader = Callable[[bytes, str | None], Content]
# format and reader by file extension; a file with another extension is read as text
READERS: dict[str, tuple[str, Reader]] = {
    ".txt": ("txt", read_text),
    ".html": ("html", read_html),
    ".htm": ("html", read_html),
    ".pdf": ("pdf", read_pdf),
    ".docx": ("docx", read_docx),
}
