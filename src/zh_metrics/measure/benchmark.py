"""Throughput and memory of a pipeline on texts made from the corpus (never the dev set):
characters and documents per second on one and two processes, time against document size,
peak memory, and memory over a long stream."""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from spacy.language import Language
from threadpoolctl import threadpool_limits

from ..corpus.jsonl import read_jsonl_lines

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


def timed_pass(nlp: Language, texts: list[str], n_process: int, batch_size: int) -> float:
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
        pass
    return time.perf_counter() - start


def throughput(nlp: Language, texts: list[str], n_process: int = 1, batch_size: int = 256) -> dict[str, float]:
    """Characters and documents per second over `texts`. On one process the texts go through
    twice and the second pass is timed: the first pays for growing the vocabulary and for the
    allocator's first large arrays, which a stream of millions of paragraphs pays only once
    (its rate is kept as `first_pass_chars_per_s`). Every multi-process call forks new
    workers, so there a single pass is timed."""
    chars = sum(map(len, texts))
    seconds = timed_pass(nlp, texts, n_process, batch_size)
    result = {"first_pass_chars_per_s": chars / seconds}
    if n_process == 1:
        seconds = timed_pass(nlp, texts, n_process, batch_size)
    result.update({"chars_per_s": chars / seconds, "docs_per_s": len(texts) / seconds, "seconds": seconds})
    return result


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


def stream_memory(
    nlp: Language, paragraphs: list[str], n_docs: int, every: int, max_chars: int = 20
) -> list[tuple[int, float]]:
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


def run_benchmark(
    nlp: Language, paragraphs: list[str], n_texts: int, stream_docs: int, batch_size: int = 256
) -> dict[str, Any]:
    """Every measurement, with one BLAS thread per process, so that "one process" means one
    core for pipelines that multiply through numpy's multi-threaded OpenBLAS as well."""
    texts = paragraphs[:n_texts]
    with threadpool_limits(limits=1):
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


def measure_pipeline(
    model: str | Path | None,
    paragraphs: list[str],
    n_texts: int,
    stream_docs: int,
    batch_size: int = 256,
    numpy_blas: bool = False,
    only_one_process: bool = False,
    score_on: tuple[str | Path, ...] = (),
) -> dict[str, Any]:
    """Loads the pipeline at `model` and measures it as `run_benchmark` does (or its
    one-process throughput alone), optionally multiplying through numpy's BLAS; with its micro
    F on each of `score_on`."""
    from ..api import load
    from ..pipeline.blas import create_numpy_blas
    from .evaluate import score_file

    nlp = load(model)
    if numpy_blas:
        create_numpy_blas()(nlp)
    if only_one_process:
        with threadpool_limits(limits=1):
            result: dict[str, Any] = {"one_process": throughput(nlp, paragraphs[:n_texts], 1, batch_size)}
    else:
        result = run_benchmark(nlp, paragraphs, n_texts, stream_docs, batch_size)
    result["micro_f"] = {str(gold): score_file(nlp, gold)["ents_f"] for gold in score_on}
    return result


def in_fresh_process(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`function(*args, **kwargs)` run in a new interpreter, so that a pipeline measured
    earlier leaves neither its heap nor its peak memory to the next one. The new interpreter
    starts its own workers (`n_process`) the way this one would."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(with_start_method, multiprocessing.get_start_method(), function, args, kwargs).result()


def with_start_method(method: str, function: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> Any:
    multiprocessing.set_start_method(method, force=True)
    return function(*args, **kwargs)


def format_benchmark(name: str, result: dict[str, Any]) -> str:
    one, two = result["one_process"], result["two_processes"]
    lines = [
        f"== {name}  (nlp.pipe batches of {result['batch_size']} paragraphs)",
        f"one process:   {one['chars_per_s']:>10,.0f} chars/s  {one['docs_per_s']:>8,.1f} docs/s"
        f"  (first pass over the texts: {one['first_pass_chars_per_s']:,.0f} chars/s)",
        f"two processes: {two['chars_per_s']:>10,.0f} chars/s  {two['docs_per_s']:>8,.1f} docs/s",
        f"peak memory:   {result['peak_mb']:>10,.0f} MB",
        "document size → seconds (chars/s):",
    ]
    for row in result["scaling"]:
        lines.append(
            f"  {row['bytes']:>9,} bytes {row['chars']:>9,} chars  {row['seconds']:>8.2f} s  ({row['chars_per_s']:,.0f} chars/s)"
        )
    if result.get("stream"):
        first, last = result["stream"][0], result["stream"][-1]
        lines.append(
            f"stream of {last[0]:,} docs: RSS {first[1]:.0f} MB after {first[0]:,} → {last[1]:.0f} MB after {last[0]:,} "
            f"({last[1] - first[1]:+.0f} MB)"
        )
    return "\n".join(lines)


def benchmark(
    model: Path | None,
    reference: Path | None,
    texts: Path,
    n_texts: int = 2000,
    stream_docs: int = 100_000,
    batch_size: int = 256,
    score_on: Iterable[Path] = (),
) -> Iterator[str]:
    """The benchmark command: the pipeline at `model` (None: the project's) measured in a fresh
    process on texts made from the corpus file `texts`, with its micro F on each of `score_on`
    that exists; with `reference`, that pipeline measured the same way, as spaCy ships it and
    again multiplying through numpy's BLAS (as the pipeline does with `zh_metrics.numpy_blas.v1`),
    so that the ratio is also given like for like. Yields the report a block at a time, as each
    pipeline is measured, then the ratios."""
    from ..api import DEFAULT_MODEL

    paragraphs = corpus_paragraphs(texts)
    golds = tuple(gold for gold in score_on if gold.exists())
    runs: list[tuple[str, Path | None, dict[str, Any]]] = [("pipeline", model, {"stream_docs": stream_docs})]
    if reference is not None:
        runs += [
            ("reference", reference, {"stream_docs": 0}),
            ("reference on numpy's BLAS", reference, {"stream_docs": 0, "numpy_blas": True, "only_one_process": True}),
        ]
    measured = {}
    for name, path, options in runs:
        result = in_fresh_process(
            measure_pipeline, path, paragraphs, n_texts, batch_size=batch_size, score_on=golds, **options
        )
        measured[name] = result
        if "two_processes" in result:
            scores = [f"micro F on {gold}: {f_score:.3f}" for gold, f_score in result["micro_f"].items()]
            yield "\n".join([format_benchmark(f"{name}: {path or DEFAULT_MODEL}", result), *scores])
        else:
            yield f"== {name}, one process: {result['one_process']['chars_per_s']:,.0f} chars/s"
    pipeline_speed = measured["pipeline"]["one_process"]["chars_per_s"]
    for name in ("reference", "reference on numpy's BLAS"):
        if name in measured:
            ratio = pipeline_speed / measured[name]["one_process"]["chars_per_s"]
            yield f"pipeline / {name}, one process: {ratio:.2f}x characters per second"
