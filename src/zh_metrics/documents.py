"""Reading the user's documents: text files, folders, JSONL and standard input, split into
paragraphs with their line numbers. Problems are collected per file and line, never raised."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path


def paragraphs(text: str, max_chars: int = 5_000) -> Iterator[tuple[int, str]]:
    """Non-empty paragraphs with their line numbers; a very long line is cut at sentence ends."""
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        while len(line) > max_chars:
            cut = max((m.end() for m in re.finditer(r"[。！？；]", line[:max_chars])), default=max_chars)
            yield lineno, line[:cut]
            line = line[cut:]
        if line:
            yield lineno, line


CJK_RE = re.compile(r"[\u3400-\u9fff]")


def read_documents(paths: Iterable[str]) -> tuple[list[tuple[str, list[tuple[int, str]]]], list[str]]:
    """Documents as (name, [(line, paragraph)]) from .txt files, folders, JSONL (`text` per
    line) or `-` for standard input, and the problems found, each naming its file and line."""
    documents: list[tuple[str, list[tuple[int, str]]]] = []
    problems: list[str] = []
    for name, data in _sources(paths, problems):
        try:
            text = data.decode("utf8")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            problems.append(f"{name}:{line}: file: not UTF-8 text ({err.reason})")
            continue
        if name.endswith(".jsonl"):
            for line, raw in enumerate(text.splitlines(), 1):
                if not raw.strip():
                    continue
                try:
                    task = json.loads(raw)
                    body = task["text"]
                    if not isinstance(body, str):
                        raise TypeError
                except (ValueError, KeyError, TypeError):
                    problems.append(f"{name}:{line}: text: not a JSON object with a string `text`")
                    continue
                _add_document(f"{name}:{line}", body, line, documents, problems)
        else:
            _add_document(name, text, 1, documents, problems)
    return documents, problems


def _sources(paths: Iterable[str], problems: list[str]) -> Iterator[tuple[str, bytes]]:
    for path in paths:
        if path == "-":
            yield "<stdin>", sys.stdin.buffer.read()
            continue
        for file in input_files(path, problems):
            try:
                yield str(file), file.read_bytes()
            except OSError as err:
                problems.append(f"{file}:0: file: {err.strerror or err}")


def input_files(path: str, problems: list[str]) -> list[Path]:
    """The files a path given by the user stands for: itself, or a folder's .txt files in order."""
    p = Path(path)
    files = sorted(p.rglob("*.txt")) if p.is_dir() else [p]
    if p.is_dir() and not files:
        problems.append(f"{path}:0: file: no .txt files in this folder")
    return files


def _add_document(name: str, text: str, first_line: int, documents: list, problems: list[str]) -> None:
    paras = [(first_line + line - 1, para) for line, para in paragraphs(text)]
    if not paras:
        return  # empty or white space: no records, no error
    if not any(CJK_RE.search(para) for _, para in paras):
        problems.append(f"{name}:{paras[0][0]}: text: no Chinese characters; this pipeline reads Chinese reports")
        return
    documents.append((name, paras))
