"""The one cleaning step every input goes through before the pipeline, whatever its format.

Characters: BOM, zero-width characters and CR out; compatibility forms mapped by NFKC (Kangxi
radicals ⽐ → 比, full-width digits and letters ２７．４％ → 27.4%) and the radicals NFKC leaves
alone by the characters fonts draw them as (⻔ → 门); the full-width punctuation Chinese is written with
(，；：) kept; no white space between two CJK characters. Lines: a line that fills the width of
the text and does not end a sentence was broken by the PDF or by hard wrapping, and is joined to
the next (同比上\\n升27.4% → 同比上升27.4%); a blank line always ends a paragraph. Every offset
the pipeline gives refers to this cleaned text, which records show as their `sentence`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

from ..pipeline.vocabulary import (
    CLOSING_CHARS,
    COMPATIBILITY_FORMS,
    INVISIBLE_CHARS,
    KEPT_FULL_WIDTH,
    PARAGRAPH_END_CHARS,
    RADICALS,
    SENTENCE_END,
    SPACE_BETWEEN_CJK,
)
from ..records import display_width
from .document import Paragraph

# a line at least this share of the text's widest line (in display width or in characters) fills it
FULL_LINE = 0.85
# longer paragraphs are cut at a sentence end, so one huge line does not make one huge Doc
MAX_CHARS = 5_000

_DROPPED = str.maketrans("", "", INVISIBLE_CHARS)


def clean_text(text: str) -> str:
    """The text with invisible characters and CR removed, compatibility forms mapped, lines
    stripped and no white space between CJK characters. Line breaks stay where they were."""
    text = text.translate(_DROPPED).replace("\r\n", "\n").replace("\r", "\n")
    text = COMPATIBILITY_FORMS.sub(_compatible, text.translate(RADICALS))
    return "\n".join(SPACE_BETWEEN_CJK.sub("", line).strip() for line in text.split("\n"))


def _compatible(match: re.Match[str]) -> str:
    char = match.group()
    return char if char in KEPT_FULL_WIDTH else unicodedata.normalize("NFKC", char)


def paragraphs(parts: Sequence[tuple[int | None, str]], first_line: int | None = None) -> list[Paragraph]:
    """The cleaned paragraphs of a document's text `parts` ((page, text), in order; a paragraph
    may run on from one part to the next, as from one PDF page to the next). `first_line`: the
    file line the first part starts on, where lines mean something (text files, JSONL)."""
    lines = [(page, line) for page, text in parts for line in clean_text(text).split("\n")]
    full_width, full_chars = _full_line([line for _, line in lines if line])
    found: list[Paragraph] = []
    current: list[str] = []
    start: tuple[int | None, int] = (None, 0)
    for index, (page, line) in enumerate([*lines, (None, "")]):
        if current and line and _runs_on(current[-1], full_width, full_chars):
            current.append(line)
            continue
        if current:
            number_from = len(found) + 1
            for offset, piece in enumerate(_cut("".join(_joined(current)))):
                found.append(Paragraph(number_from + offset, piece, start[0], _line(first_line, start[1])))
        current = [line] if line else []
        start = (page, index)
    return found


def _line(first_line: int | None, index: int) -> int | None:
    return None if first_line is None else first_line + index


def _full_line(lines: list[str]) -> tuple[float, float]:
    """The display width and the character count from which a line fills the text's width.
    Unless two lines or more come near the widest, nothing is taken as wrapped."""
    if not lines:
        return float("inf"), float("inf")
    widths = [display_width(line) for line in lines]
    counts = [len(line) for line in lines]
    wide = sum(w >= FULL_LINE * max(widths) for w in widths)
    long = sum(c >= FULL_LINE * max(counts) for c in counts)
    return (
        FULL_LINE * max(widths) if wide >= 2 else float("inf"),
        FULL_LINE * max(counts) if long >= 2 else float("inf"),
    )


def _runs_on(line: str, full_width: float, full_chars: float) -> bool:
    """Whether the paragraph goes on after `line`: it fills the width and ends no sentence."""
    fills = display_width(line) >= full_width or len(line) >= full_chars
    return fills and line.rstrip(CLOSING_CHARS)[-1:] not in PARAGRAPH_END_CHARS


def _joined(lines: list[str]) -> Iterator[str]:
    """The lines of one paragraph, with a space only where it parts two Latin words."""
    for previous, line in zip(["", *lines], lines):
        if previous and _latin_word(previous[-1]) and _latin_word(line[0]) and not (previous[-1] + line[0]).isdigit():
            yield " "
        yield line


def _latin_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _cut(text: str) -> Iterator[str]:
    """`text` in pieces of at most MAX_CHARS characters, cut after a sentence end where there is one."""
    while len(text) > MAX_CHARS:
        cut = max((m.end() for m in SENTENCE_END.finditer(text, 0, MAX_CHARS)), default=MAX_CHARS)
        yield text[:cut]
        text = text[cut:]
    if text:
        yield text
