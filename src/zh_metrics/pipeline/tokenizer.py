"""A character tokenizer for Chinese reports: every Chinese character is a token, and
(optionally) a run of digits, a decimal or a Latin word stays one token, which makes the
model's input shorter without moving any span boundary the annotation rules allow."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

RUN_RE = re.compile(r"[0-9０-９]+(?:[.,．，][0-9０-９]+)*|[A-Za-zＡ-Ｚａ-ｚ]+|\s+|.", re.S)
CHAR_RE = re.compile(r"\s+|.", re.S)
TEXT_KEY = "zh_metrics.text"


def doc_text(doc: Doc) -> str:
    """The doc's text, built once: spaCy rebuilds `Doc.text` from its tokens on every access,
    which costs more than the rule components themselves. A doc's text never changes."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


class CharTokenizer:
    """Split text into characters, or into characters and digit/Latin runs."""

    def __init__(self, vocab: Vocab, keep_runs: bool = False) -> None:
        self.vocab = vocab
        self.keep_runs = keep_runs
        self._pattern = RUN_RE if keep_runs else CHAR_RE

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for piece in self._pattern.findall(text):
            if piece == " " and words and not spaces[-1]:
                spaces[-1] = True
            else:
                words.append(piece)
                spaces.append(False)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data[TEXT_KEY] = text
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """The settings as msgpack, leaving out the names in `exclude` (spaCy's convention)."""
        return srsly.msgpack_dumps({key: value for key, value in self._settings().items() if key not in exclude})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> CharTokenizer:
        settings = srsly.msgpack_loads(data)
        if "keep_runs" in settings and "keep_runs" not in exclude:
            self._set_keep_runs(settings["keep_runs"])
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        Path(path).write_bytes(self.to_bytes(exclude=exclude))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> CharTokenizer:
        return self.from_bytes(Path(path).read_bytes(), exclude=exclude)

    def _settings(self) -> dict[str, Any]:
        return {"keep_runs": self.keep_runs}

    def _set_keep_runs(self, keep_runs: bool) -> None:
        self.keep_runs = bool(keep_runs)
        self._pattern = RUN_RE if self.keep_runs else CHAR_RE


@registry.tokenizers("zh_metrics.CharTokenizer.v1")
def create_char_tokenizer(keep_runs: bool = False) -> Callable[[Language], CharTokenizer]:
    """Character tokens (`keep_runs=False`) or characters plus digit/Latin runs."""

    def make_tokenizer(nlp: Language) -> CharTokenizer:
        return CharTokenizer(nlp.vocab, keep_runs=keep_runs)

    return make_tokenizer
