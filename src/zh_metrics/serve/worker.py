"""The pipeline's own thread, which every request of the service waits for.

A spaCy pipeline is not made to be called from several threads at once, and the processor is
the limit anyway, so one thread runs it. Requests that are waiting together are processed
together in one `nlp.pipe` call: the model then multiplies larger matrices, and eight reports
of a few paragraphs take about a third of the time they take one by one. Each request still
gets its own answer, its own errors and its own deadline.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from spacy.language import Language
from spacy.tokens import Doc

from ..documents import Document
from .analysis import Analysis, gather

T = TypeVar("T")


class Busy(RuntimeError):
    """Too many requests are already waiting for the pipeline."""


class Overtime(TimeoutError):
    """A request was not answered before its deadline."""


@dataclass
class Job:
    """One request's work: reading its input and making its answer, both on the pipeline's
    thread, around the pipeline itself."""

    read: Callable[[], list[Document]]
    finish: Callable[[Analysis], Any]
    deadline: float
    future: Future = field(default_factory=Future)


class Worker:
    """Runs the pipeline for the requests: at most `max_pending` wait or run (Busy beyond),
    each is answered within `timeout` seconds of its arrival or gets Overtime, and one whose
    deadline passed is not fed further to the pipeline, so the thread is soon free again."""

    def __init__(self, nlp: Language, timeout: float, max_pending: int, batch_size: int = 16) -> None:
        self.nlp = nlp
        self.timeout = timeout
        self.max_pending = max_pending
        self.batch_size = batch_size
        self.pending = 0
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="zh-metrics-pipeline", daemon=True)
        self._thread.start()

    async def run(self, read: Callable[[], list[Document]], finish: Callable[[Analysis], T]) -> T:
        """The answer `finish` makes of the Analysis of what `read` gives."""
        with self._lock:
            if self.pending >= self.max_pending:
                raise Busy(f"busy: {self.pending} requests are waiting for the pipeline; try again shortly")
            self.pending += 1
        job = Job(read, finish, time.monotonic() + self.timeout)
        job.future.add_done_callback(self._finished)
        self._queue.put(job)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(job.future), self.timeout)
        except TimeoutError:
            raise Overtime(f"not done within {self.timeout:g} s; send a shorter text") from None

    def _finished(self, _: Future) -> None:
        with self._lock:
            self.pending -= 1

    def close(self) -> None:
        """Stop the thread once the work it has started is done."""
        self._queue.put(None)

    def _serve(self) -> None:
        while (job := self._queue.get()) is not None:
            jobs = [job]
            while len(jobs) < self.max_pending:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)
                    break
                jobs.append(more)
            self._process(jobs)

    def _process(self, jobs: list[Job]) -> None:
        ready = []
        for job in jobs:
            if not job.future.set_running_or_notify_cancel():
                continue  # its request gave up waiting
            try:
                ready.append((job, job.read()))
            except Exception as err:
                job.future.set_exception(err)
        try:
            self._pipe(ready)
        except Exception as err:
            if len(ready) == 1:
                ready[0][0].future.set_exception(err)
                return
            for one in ready:  # so that only the request the pipeline fails on fails
                self._process_alone(one)

    def _process_alone(self, item: tuple[Job, list[Document]]) -> None:
        try:
            self._pipe([item])
        except Exception as err:
            item[0].future.set_exception(err)

    def _pipe(self, ready: list[tuple[Job, list[Document]]]) -> None:
        """The paragraphs of all the jobs through one nlp.pipe; a job is fed no further once
        its deadline has passed. Answers are set only when the pipeline is through them all."""
        owners: deque[int] = deque()
        late: set[int] = set()

        def texts() -> Iterator[str]:
            for i, (job, documents) in enumerate(ready):
                for paragraph in (p for document in documents for p in document.paragraphs):
                    if time.monotonic() > job.deadline:
                        late.add(i)
                        break
                    owners.append(i)
                    yield paragraph.text

        docs: list[list[Doc]] = [[] for _ in ready]
        for doc in self.nlp.pipe(texts(), batch_size=self.batch_size):
            docs[owners.popleft()].append(doc)
        for i, (job, documents) in enumerate(ready):
            if i in late:
                job.future.set_exception(Overtime("the time allowed ran out"))
                continue
            try:
                job.future.set_result(job.finish(gather(documents, docs[i])))
            except Exception as err:
                job.future.set_exception(err)
