"""Throughput and memory of a pipeline on texts made from the corpus (never the dev set):
characters and documents per second on one and two processes, time against document size,
peak memory, and memory over a long stream."""
from __future__ import annotations

import gc
import itertools
import resource
import time
from pathlib import Path
from typing import Any, Iterator

from spacy.language import Language

from .corpus import read_jsonl_lines

SIZES = (1_000, 10_000, 100_000, 1_000_000)


def corpus_paragraphs(path: str | Path) -> list[str]:
    return [t["text"] for _, t in read_jsonl_lines(path)]


def document_of(paragraphs: list[str], size_bytes: int) -> str:
    """About `size_bytes` of UTF-8 text, paragraphs joined by line breaks."""
    out, total = [], 0
    for para in itertools.cycle(paragraphs):
        out.append(para)
        total += len(para.encode("utf8")) + 1
        if total >= size_bytes:
            return "\n".join(out)
    return ""


def rss_mb() -> float:
    """Resident memory of this process now, from /proc (Linux)."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def throughput(nlp: Language, texts: list[str], n_process: int = 1, batch_size: int = 256) -> dict[str, float]:
    chars = sum(map(len, texts))
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        pass
    seconds = time.perf_counter() - start
    return {"chars_per_s": chars / seconds, "docs_per_s": len(texts) / seconds, "seconds": seconds}


def size_scaling(nlp: Language, paragraphs: list[str], sizes: tuple[int, ...] = SIZES) -> list[dict[str, float]]:
    """Seconds and characters per second for one document of each size."""
    rows = []
    for size in sizes:
        text = document_of(paragraphs, size)
        start = time.perf_counter()
        nlp(text)
        seconds = time.perf_counter() - start
        rows.append({"bytes": size, "chars": len(text), "seconds": seconds, "chars_per_s": len(text) / seconds})
    return rows


def stream_memory(nlp: Language, paragraphs: list[str], n_docs: int, every: int, max_chars: int = 20) -> list[tuple[int, float]]:
    """RSS after every `every` documents of a stream of `n_docs` short documents (the first
    `max_chars` characters of each paragraph) through nlp.pipe."""
    def stream() -> Iterator[str]:
        for i, para in enumerate(itertools.cycle(paragraphs)):
            if i >= n_docs:
                return
            yield para[:max_chars]

    samples = []
    gc.collect()
    for i, _ in enumerate(nlp.pipe(stream(), batch_size=256), 1):
        if i % every == 0:
            samples.append((i, rss_mb()))
    return samples


def run_benchmark(nlp: Language, paragraphs: list[str], n_texts: int, stream_docs: int, batch_size: int = 256) -> dict[str, Any]:
    texts = paragraphs[:n_texts]
    nlp(texts[0])  # warm-up
    result = {
        "batch_size": batch_size,
        "one_process": throughput(nlp, texts, 1, batch_size),
        "two_processes": throughput(nlp, texts, 2, batch_size),
        "scaling": size_scaling(nlp, paragraphs),
        "peak_mb": peak_mb(),
    }
    if stream_docs:
        result["stream"] = stream_memory(nlp, paragraphs, stream_docs, max(1, stream_docs // 10))
    return result


def format_benchmark(name: str, result: dict[str, Any]) -> str:
    one, two = result["one_process"], result["two_processes"]
    lines = [
        f"== {name}  (nlp.pipe batches of {result['batch_size']} paragraphs)",
        f"one process:   {one['chars_per_s']:>10,.0f} chars/s  {one['docs_per_s']:>8,.1f} docs/s",
        f"two processes: {two['chars_per_s']:>10,.0f} chars/s  {two['docs_per_s']:>8,.1f} docs/s",
        f"peak memory:   {result['peak_mb']:>10,.0f} MB",
        "document size → seconds (chars/s):",
    ]
    for row in result["scaling"]:
        lines.append(f"  {row['bytes']:>9,} bytes {row['chars']:>9,} chars  {row['seconds']:>8.2f} s  ({row['chars_per_s']:,.0f} chars/s)")
    if result.get("stream"):
        first, last = result["stream"][0], result["stream"][-1]
        lines.append(f"stream of {last[0]:,} docs: RSS {first[1]:.0f} MB after {first[0]:,} → {last[1]:.0f} MB after {last[0]:,} "
                     f"({last[1] - first[1]:+.0f} MB)")
    return "\n".join(lines)
