"""Archives larger than one machine: extraction on a Dask cluster, to Parquet.

    from zh_metrics.cluster import connect, extract_archive
    with connect(workers=2) as client:                  # or connect(scheduler="tcp://host:8786")
        frame = extract_archive(["reports/"], "training/model-best", client=client)
        print(client.compute(frame.groupby("indicator").value.sum()).result())

How the work is cut and where things live:
- The client lists the files and groups whole files into partitions of about
  `partition_bytes`; a document (a file, a line of a JSONL file) is never split, so organisation
  and campaign scope see all its paragraphs. A partition's rows are a pure function of its
  files: a partition that Dask runs again, after a worker died, gives the same rows, and its
  Parquet part replaces the earlier one whole, so no row is written twice.
- Workers read the files themselves: the archive, and the Parquet output folder, must be at
  the same paths on the client and on every worker (one machine, or a shared file system).
- The model need not be: the client zips the model folder once and a worker plugin carries it
  to every worker, also to those that join or restart later; each worker unpacks it into its
  local directory and loads the pipeline once, on its first partition (cached by folder).
- A worker runs one partition at a time through its pipeline (a spaCy pipeline is not shared
  between threads): start workers with one thread each and one process per core
  (`dask worker ADDRESS --nthreads 1 --nworkers N`; `connect(workers=N)` does so).
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import hashlib
import io
import itertools
import logging
import os
import shutil
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .api import extract_documents, load, model_path
from .documents import input_files, read_documents
from .files import write_folder_atomic, write_part
from .records import MissingExtra, parquet_bytes, pyarrow_module, record_rows, record_schema

try:
    import dask
    import dask.dataframe as dd
    from distributed import Client, Future, WorkerPlugin, as_completed, get_worker
except ImportError as err:  # pragma: no cover - depends on the environment
    raise MissingExtra("the Dask engine needs dask and distributed: pip install 'zh-metrics[dask]'") from err

if TYPE_CHECKING:
    import pandas
    from spacy.language import Language

PARTITION_BYTES = 1_000_000
CONNECT_TIMEOUT = 10.0
# distributed starts its workers with glibc's trim threshold fixed (to hand memory back
# sooner), which also fixes the mmap threshold at 128 kB: every larger array of the pipeline
# is then mapped and unmapped, and a worker spends about 1.4 times the CPU of one process on
# the same files (32.5 s against 23.1 s without it, docs/dask.md). Set to None, the workers of
# the local clusters started here keep glibc's adaptive thresholds; for `dask worker` see
# docs/dask.md.
KEEP_GLIBC_MALLOC = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"

# (name shown in records and messages, absolute path the workers read)
Partition = list[tuple[str, str]]


class ClusterUnavailable(ConnectionError):
    """No Dask scheduler answered at the address given."""


class DocumentProblems(ValueError):
    """Input that could not be read, one `file:line: field: message` per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(self.problems)


@dataclass(frozen=True)
class Reading:
    """How workers read and process their files, as `extract`'s options say: the encoding of
    text files (default: detected), the date of the documents (default: their metadata's),
    paragraphs per `nlp.pipe` batch."""

    encoding: str | None = None
    date: datetime.date | None = None
    batch_size: int = 64


@dataclass
class ArchiveResult:
    """What `archive_to_parquet` wrote, and the problems of the files it left out."""

    records: int
    parts: int
    problems: list[str]


def check_scheduler(address: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """ClusterUnavailable unless a Dask scheduler at `address` answers within `timeout` seconds.
    distributed's own Client waits forever for a server that accepts the connection and then
    says nothing; this asks for the scheduler's identity with one deadline for everything."""
    from distributed.comm import connect as open_comm

    async def identity() -> Any:
        comm = await open_comm(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    try:
        with ThreadPoolExecutor(1) as thread:  # its own event loop, also where one runs (Jupyter)
            answer = thread.submit(asyncio.run, asyncio.wait_for(identity(), timeout)).result()
    except (TimeoutError, OSError) as err:
        raise ClusterUnavailable(f"{address}: no Dask scheduler answered within {timeout:g} s") from err
    except ValueError as err:
        raise ClusterUnavailable(f"{address}: not a scheduler address ({err})") from err
    except Exception as err:  # a server that is not Dask's sends anything, even a "frame" of exabytes
        raise ClusterUnavailable(f"{address}: answered, but not as a Dask scheduler") from err
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        raise ClusterUnavailable(f"{address}: answered, but not as a Dask scheduler")


def open_client(workers: int | None = None, scheduler: str | None = None, timeout: float = CONNECT_TIMEOUT) -> Client:
    """A client of the scheduler at `scheduler`, or else of a new cluster on this machine of
    `workers` single-threaded worker processes (default: one per core), closed with the client.
    The new cluster logs nothing: what fails in a task reaches the client as its exception,
    and the noise of a cluster shutting down (a heartbeat cut short) would drown the one line
    a failing command prints."""
    if scheduler is not None:
        if workers is not None:
            raise ValueError("give a number of local workers or a scheduler address, not both")
        check_scheduler(scheduler, timeout)
        return Client(scheduler, timeout=timeout)
    with dask.config.set({KEEP_GLIBC_MALLOC: None}):
        return Client(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: several clusters may run on one machine
            silence_logs=logging.CRITICAL,  # failures reach the client through the tasks themselves
        )


@contextmanager
def connect(
    workers: int | None = None, scheduler: str | None = None, timeout: float = CONNECT_TIMEOUT
) -> Iterator[Client]:
    """`open_client` for the length of a `with` block."""
    client = open_client(workers, scheduler, timeout)
    try:
        yield client
    finally:
        client.close()


class ShippedModel(WorkerPlugin):
    """A trained pipeline zipped on the client and unpacked once into the local directory of
    every worker, also of workers that join or restart later: the workers need not see the
    client's files. Named after a digest of the folder's contents, so that shipping the same
    model again reuses what the workers unpacked and loaded."""

    idempotent = True  # registered again under the same name (the same model): left as it is

    def __init__(self, model: str | Path) -> None:
        self.archive, digest = zip_folder(model_path(model))
        self.name = f"zh-metrics-model-{digest[:16]}"
        self.folder: Path | None = None

    def setup(self, worker: Any) -> None:
        folder = Path(worker.local_directory) / self.name
        if not folder.exists():
            unpacking = folder.with_name(folder.name + ".unpacking")
            shutil.rmtree(unpacking, ignore_errors=True)
            with zipfile.ZipFile(io.BytesIO(self.archive)) as archive:
                archive.extractall(unpacking)
            os.replace(unpacking, folder)
        self.folder = folder
        self.archive = b""  # the scheduler keeps its copy for the workers to come


def zip_folder(folder: Path) -> tuple[bytes, str]:
    """The files under `folder` as a zip, and a SHA-256 of their names and contents."""
    digest = hashlib.sha256()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(folder).as_posix()
            data = path.read_bytes()
            digest.update(name.encode("utf8") + b"\0" + hashlib.sha256(data).digest())
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue(), digest.hexdigest()


def ship_model(client: Client, model: str | Path) -> str:
    """Send the pipeline at `model` to the cluster's workers; the name their tasks find it by."""
    plugin = ShippedModel(model)
    client.register_plugin(plugin)
    return plugin.name


_PIPELINE_LOCK = threading.Lock()


@functools.lru_cache(maxsize=4)
def worker_pipeline(folder: str) -> Language:
    """The pipeline unpacked at `folder`, loaded on the first call in this process."""
    return load(folder)


def shipped_pipeline(worker: Any, model: str) -> Language:
    """On a worker: the pipeline of `ship_model`'s name `model` (call it holding _PIPELINE_LOCK)."""
    plugin = worker.plugins[model]
    assert isinstance(plugin, ShippedModel) and plugin.folder is not None
    return worker_pipeline(str(plugin.folder))


def preload(client: Client, model: str) -> dict[str, float]:
    """Load the shipped pipeline `model` on every worker now rather than on its first
    partition (a model that cannot load fails here); the seconds each worker took."""
    return client.run(_preload, model)


def _preload(model: str, dask_worker: Any) -> float:
    start = time.perf_counter()
    with _PIPELINE_LOCK:
        shipped_pipeline(dask_worker, model)
    return time.perf_counter() - start


def archive_partitions(
    paths: Sequence[str], partition_bytes: int = PARTITION_BYTES, glob: Sequence[str] = ()
) -> tuple[list[Partition], list[str]]:
    """The files the paths stand for (as `read_documents` finds them, `glob` choosing in
    folders), grouped in order into partitions of about `partition_bytes`, whole files each;
    and the problems of the listing."""
    problems: list[str] = []
    partitions: list[Partition] = []
    current: Partition = []
    size = 0
    for file in itertools.chain.from_iterable(input_files(Path(path), glob, problems) for path in paths):
        n_bytes = file.stat().st_size if file.is_file() else 0  # a missing file: its reader says so
        if current and size + n_bytes > partition_bytes:
            partitions.append(current)
            current, size = [], 0
        current.append((str(file), str(file.absolute())))
        size += n_bytes
    if current:
        partitions.append(current)
    return partitions, problems


def extract_partition(files: Partition, model: str, reading: Reading) -> tuple[list[dict[str, Any]], list[str]]:
    """On a worker: the record rows of whole files and the problems of those it could not
    read, with the names the client gave them; `model` is a name from `ship_model`."""
    documents = []
    problems = []
    for shown, path in files:
        found, trouble = read_documents([path], encoding=reading.encoding, date=reading.date)
        for document in found:
            document.name = _as_shown(document.name, path, shown)
        documents += found
        problems += [_as_shown(problem, path, shown) for problem in trouble]
    with _PIPELINE_LOCK:
        nlp = shipped_pipeline(get_worker(), model)
        rows = record_rows(extract_documents(documents, nlp, batch_size=reading.batch_size))
    return rows, problems


def _as_shown(text: str, path: str, shown: str) -> str:
    """A document name or problem about `path` as it names the file the way the user did."""
    return shown + text[len(path) :] if text.startswith(path) else text


def write_partition(files: Partition, model: str, reading: Reading, folder: str, index: int) -> tuple[int, list[str]]:
    """On a worker: Parquet part `index` of the files' rows; how many rows, and the problems."""
    rows, problems = extract_partition(files, model, reading)
    write_part(folder, index, parquet_bytes(rows))
    return len(rows), problems


def partition_frame(files: Partition, model: str, reading: Reading) -> pandas.DataFrame:
    """On a worker: the files' rows as a pandas frame of the record schema; DocumentProblems
    if any file could not be read."""
    rows, problems = extract_partition(files, model, reading)
    if problems:
        raise DocumentProblems(problems)
    return record_frame(rows)


def record_frame(rows: list[dict[str, Any]]) -> pandas.DataFrame:
    """Rows as a pandas frame with the record schema's Arrow types (nullable floats and ints)."""
    import pandas as pd

    pa = pyarrow_module()
    return pa.Table.from_pylist(rows, schema=record_schema()).to_pandas(types_mapper=pd.ArrowDtype)


_clients: list[Client] = []  # clients started by extract_archive, kept until the process ends


def extract_archive(
    paths: Sequence[str],
    model: str | Path,
    client: Client | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    *,
    glob: Sequence[str] = (),
    reading: Reading = Reading(),
    partition_bytes: int = PARTITION_BYTES,
    timeout: float = CONNECT_TIMEOUT,
) -> dd.DataFrame:
    """The records of every document under `paths` as a lazy Dask DataFrame of the record
    schema (`zh_metrics.records.RECORD_FIELDS`), one partition per group of whole files.
    Computed on `client`, or on a client started here (of `scheduler`, else of a local
    cluster of `workers` processes) which becomes the default client and stays open until the
    process ends. A file that cannot be read fails the computation with DocumentProblems;
    `archive_to_parquet` can leave such files out instead."""
    if client is None:
        client = open_client(workers, scheduler, timeout)
        _clients.append(client)
    name = ship_model(client, model)
    partitions, problems = archive_partitions(paths, partition_bytes, glob)
    if problems:
        raise DocumentProblems(problems)
    if not partitions:
        return dd.from_pandas(record_frame([]), npartitions=1)
    token = dask.base.tokenize(partitions, name, reading)
    parts = [
        dask.delayed(partition_frame, pure=True)(files, name, reading, dask_key_name=f"zh-metrics-records-{token}-{i}")
        for i, files in enumerate(partitions)
    ]
    return dd.from_delayed(parts, meta=record_frame([]), verify_meta=False)


def archive_to_parquet(
    paths: Sequence[str],
    model: str | Path,
    output: str | Path,
    client: Client,
    *,
    glob: Sequence[str] = (),
    reading: Reading = Reading(),
    partition_bytes: int = PARTITION_BYTES,
    keep_going: bool = False,
    progress: Callable[[Iterable[Future], int], Iterable[Future]] | None = None,
) -> ArchiveResult:
    """The records of every document under `paths` written by the workers as a Parquet dataset
    at `output`, one part per partition, in a temporary folder renamed at the end. Files that
    cannot be read are reported after the run: DocumentProblems and nothing written, or with
    `keep_going` the rest written and the problems in the result. `progress(finished, total)`
    may wrap the stream of finished partitions (a progress bar)."""
    name = ship_model(client, model)
    partitions, problems = archive_partitions(paths, partition_bytes, glob)

    def fill(folder: Path) -> ArchiveResult:
        token = dask.base.tokenize(partitions, name, reading, str(folder))
        futures = [
            client.submit(write_partition, files, name, reading, str(folder), i, key=f"zh-metrics-part-{token}-{i}")
            for i, files in enumerate(partitions)
        ]
        finished: Iterable[Future] = as_completed(futures)
        for _ in progress(finished, len(futures)) if progress else finished:
            pass
        reports = client.gather(futures)
        if not partitions:  # readers still find the schema
            write_part(folder, 0, parquet_bytes([]))
        found = problems + [problem for _, part_problems in reports for problem in part_problems]
        if found and not keep_going:
            raise DocumentProblems(found)
        return ArchiveResult(sum(n for n, _ in reports), max(1, len(partitions)), found)

    return write_folder_atomic(output, fill)


def time_dask_run(
    model: Path, archive: Path, output: Path, workers: int, partition_bytes: int, batch_size: int
) -> dict[str, Any]:
    """One run of the Dask engine on a new local cluster of `workers` processes, as
    `extract --engine dask --format parquet` makes it: seconds to start the cluster, to ship
    and load the model on every worker, to read, extract and write; CPU seconds and peak
    memory of each worker."""
    from .measure.benchmark import cpu_seconds, peak_mb

    run: dict[str, Any] = {"load_average": os.getloadavg()}
    start = time.perf_counter()
    with connect(workers=workers) as client:
        started = time.perf_counter()
        preload(client, ship_model(client, model))
        ready = time.perf_counter()
        cpu = client.run(cpu_seconds)
        result = archive_to_parquet(
            [str(archive)],
            model,
            output,
            client,
            reading=Reading(batch_size=batch_size),
            partition_bytes=partition_bytes,
        )
        done = time.perf_counter()
        run["cpu_s"] = sorted(used - cpu[worker] for worker, used in client.run(cpu_seconds).items())
        run["peak_mb"] = sorted(client.run(peak_mb).values())
    return run | {
        "start_s": started - start,
        "ship_s": ready - started,
        "run_s": done - ready,
        "records": result.records,
    }


def benchmark(
    model: Path | None,
    texts: Path,
    folder: Path,
    n_texts: int = 100_000,
    per_document: int = 10,
    workers: Sequence[int] = (1, 2),
    partition_bytes: int = PARTITION_BYTES,
    batch_size: int = 64,
) -> Iterator[str]:
    """The benchmark-dask command: an archive of `n_texts` texts of the corpus file `texts` in
    `folder`, extracted to Parquet by the local engine (a fresh process, one core) and by a new
    local cluster of each number of `workers`; wall and CPU seconds, characters per second,
    peak memory per process, whether every dataset holds the local engine's records in order,
    and the estimate for clusters of 8, 32 and 128 workers from the 1-worker run. The machine's
    load average goes with every run: on a shared machine, wall time says less than CPU time.
    Yields the report a block at a time."""
    import platform

    import pandas as pd

    from .measure.benchmark import (
        corpus_paragraphs,
        estimate_workers,
        in_fresh_process,
        make_archive,
        time_local_engine,
    )

    model = model_path(model)
    archive = folder / "reports"
    size = make_archive(corpus_paragraphs(texts), archive, n_texts, per_document)
    parts = len(archive_partitions([str(archive)], partition_bytes)[0])
    chars = size["chars"]
    yield (
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; model {model}\n"
        f"archive {archive}: {size['files']:,} files, {size['paragraphs']:,} paragraphs, {chars:,} characters "
        f"({n_texts:,} texts of {texts}); {parts} Dask partitions of <= {partition_bytes:,} bytes; "
        f"nlp.pipe batches of {batch_size} paragraphs"
    )

    def load(run: dict[str, Any]) -> str:
        return "load average " + ", ".join(f"{x:.1f}" for x in run["load_average"])

    def rate(seconds: float) -> str:
        return f"{seconds:8.1f} s {chars / seconds:>10,.0f} chars/s"

    local: dict[str, Any] = {"load_average": os.getloadavg()}
    local |= in_fresh_process(time_local_engine, model, [str(archive)], folder / "local.parquet", batch_size)
    yield "\n".join(
        [
            f"== local engine, one process, one core  ({load(local)} before)",
            f"load the pipeline:        {local['load_s']:8.1f} s",
            f"read, extract, write:     {rate(local['run_s'])}  {local['records']:,} records",
            f"  CPU time:               {rate(local['cpu_s'])}",
            f"peak memory:              {local['peak_mb']:8,.0f} MB",
        ]
    )
    expected = pd.read_parquet(folder / "local.parquet")
    runs = {}
    for n in workers:
        output = folder / f"dask-{n}.parquet"
        run = runs[n] = time_dask_run(model, archive, output, n, partition_bytes, batch_size)
        same = pd.read_parquet(output).equals(expected)
        total = run["start_s"] + run["ship_s"] + run["run_s"]
        yield "\n".join(
            [
                f"== Dask, local cluster of {n} worker process(es), one thread each  ({load(run)} before)",
                f"start the cluster:        {run['start_s']:8.1f} s",
                f"ship + load the pipeline: {run['ship_s']:8.1f} s  (on all workers at once)",
                f"read, extract, write:     {rate(run['run_s'])}  {run['records']:,} records  "
                f"= {local['run_s'] / run['run_s']:.2f}x the local engine",
                f"  CPU time per worker:    {', '.join(f'{s:.1f}' for s in run['cpu_s'])} s; with a core for each "
                f"worker: {max(run['cpu_s']):.1f} s = {local['cpu_s'] / max(run['cpu_s']):.2f}x the local engine",
                f"end to end:               {total:8.1f} s  (local engine: {local['load_s'] + local['run_s']:.1f} s)",
                f"peak memory per worker:   {', '.join(f'{mb:,.0f}' for mb in run['peak_mb'])} MB",
                f"records equal to the local engine's, in order: {'yes' if same else 'NO'}",
            ]
        )
    yield f"(load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} after)"
    if 1 in runs:
        one = runs[1]
        lines = [
            f"partition overhead, (1-worker run - local run) / partitions: {(one['run_s'] - local['run_s']) / parts:+.3f} s "
            f"wall, {(one['cpu_s'][0] - local['cpu_s']) / parts:+.3f} s CPU, on {one['run_s'] / parts:.2f} s per partition",
            f"estimate from the 1-worker run ({one['ship_s']:.1f} s to ship and load the model; seconds from its wall "
            f"time, and from its CPU time as if each worker had a core of its own):",
        ]
        for scale, label in ((1, "this archive"), (100, "100x this archive")):
            by_wall = estimate_workers(one["run_s"], parts, one["ship_s"], (8, 32, 128), scale)
            by_cpu = estimate_workers(one["cpu_s"][0], parts, one["ship_s"], (8, 32, 128), scale)
            for wall, cpu in zip(by_wall, by_cpu):
                lines.append(
                    f"  {label:>17}, {wall['workers']:>3} workers: {wall['parts']:>6,} partitions "
                    f"{wall['seconds']:>9,.1f} s wall / {cpu['seconds']:>9,.1f} s CPU  "
                    f"{chars * scale / cpu['seconds']:>12,.0f} chars/s  (workers busy {wall['busy']:.0%})"
                )
        yield "\n".join(lines)
