"""Archives larger than one machine: extraction on a Dask cluster, to Parquet.

    from zh_metrics.cluster import connect, extract_archive
    with connect(workers=2) as client:                  # or connect(scheduler="tcp://host:8786")
        frame = extract_archive(["reports/"], "training/model-best", client=client)
        print(client.compute(frame.groupby("indicator").value.sum()).result())

How the work is cut and where things live:
- The client lists the files and groups whole files into partitions of about
  `partition_bytes`; a document (a .txt file, a JSONL line) is never split, so organisation
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

from .api import load, model_path, pipe_documents
from .documents import input_files, read_documents
from .files import write_folder_atomic
from .records import MissingExtra, document_rows, pyarrow_module, record_schema, write_parquet_part

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
    paths: Sequence[str], partition_bytes: int = PARTITION_BYTES
) -> tuple[list[Partition], list[str]]:
    """The files the paths stand for (as `read_documents` finds them), grouped in order into
    partitions of about `partition_bytes`, whole files each; and the problems of the listing."""
    problems: list[str] = []
    partitions: list[Partition] = []
    current: Partition = []
    size = 0
    for file in itertools.chain.from_iterable(input_files(path, problems) for path in paths):
        n_bytes = file.stat().st_size if file.is_file() else 0  # a missing file: its reader says so
        if current and size + n_bytes > partition_bytes:
            partitions.append(current)
            current, size = [], 0
        current.append((str(file), str(file.absolute())))
        size += n_bytes
    if current:
        partitions.append(current)
    return partitions, problems


def extract_partition(files: Partition, model: str, batch_size: int) -> tuple[list[dict[str, Any]], list[str]]:
    """On a worker: the record rows of whole files and the problems of those it could not
    read, with the names the client gave them; `model` is a name from `ship_model`."""
    documents = []
    problems = []
    for shown, path in files:
        found, trouble = read_documents([path])
        documents += [(_as_shown(name, path, shown), paras) for name, paras in found]
        problems += [_as_shown(problem, path, shown) for problem in trouble]
    rows = []
    with _PIPELINE_LOCK:
        nlp = shipped_pipeline(get_worker(), model)
        for name, paragraphs in pipe_documents(nlp, documents, batch_size=batch_size):
            rows += document_rows(name, paragraphs)
    return rows, problems


def _as_shown(text: str, path: str, shown: str) -> str:
    """A document name or problem about `path` as it names the file the way the user did."""
    return shown + text[len(path) :] if text.startswith(path) else text


def write_partition(files: Partition, model: str, batch_size: int, folder: str, index: int) -> tuple[int, list[str]]:
    """On a worker: Parquet part `index` of the files' rows; how many rows, and the problems."""
    rows, problems = extract_partition(files, model, batch_size)
    write_parquet_part(folder, index, rows)
    return len(rows), problems


def partition_frame(files: Partition, model: str, batch_size: int) -> pandas.DataFrame:
    """On a worker: the files' rows as a pandas frame of the record schema; DocumentProblems
    if any file could not be read."""
    rows, problems = extract_partition(files, model, batch_size)
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
    partition_bytes: int = PARTITION_BYTES,
    batch_size: int = 64,
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
    partitions, problems = archive_partitions(paths, partition_bytes)
    if problems:
        raise DocumentProblems(problems)
    if not partitions:
        return dd.from_pandas(record_frame([]), npartitions=1)
    token = dask.base.tokenize(partitions, name, batch_size)
    parts = [
        dask.delayed(partition_frame, pure=True)(
            files, name, batch_size, dask_key_name=f"zh-metrics-records-{token}-{i}"
        )
        for i, files in enumerate(partitions)
    ]
    return dd.from_delayed(parts, meta=record_frame([]), verify_meta=False)


def archive_to_parquet(
    paths: Sequence[str],
    model: str | Path,
    output: str | Path,
    client: Client,
    *,
    partition_bytes: int = PARTITION_BYTES,
    batch_size: int = 64,
    keep_going: bool = False,
    progress: Callable[[Iterable[Future], int], Iterable[Future]] | None = None,
) -> ArchiveResult:
    """The records of every document under `paths` written by the workers as a Parquet dataset
    at `output`, one part per partition, in a temporary folder renamed at the end. Files that
    cannot be read are reported after the run: DocumentProblems and nothing written, or with
    `keep_going` the rest written and the problems in the result. `progress(finished, total)`
    may wrap the stream of finished partitions (a progress bar)."""
    name = ship_model(client, model)
    partitions, problems = archive_partitions(paths, partition_bytes)

    def fill(folder: Path) -> ArchiveResult:
        token = dask.base.tokenize(partitions, name, batch_size, str(folder))
        futures = [
            client.submit(write_partition, files, name, batch_size, str(folder), i, key=f"zh-metrics-part-{token}-{i}")
            for i, files in enumerate(partitions)
        ]
        finished: Iterable[Future] = as_completed(futures)
        for _ in progress(finished, len(futures)) if progress else finished:
            pass
        reports = client.gather(futures)
        if not partitions:  # readers still find the schema
            write_parquet_part(folder, 0, [])
        found = problems + [problem for _, part_problems in reports for problem in part_problems]
        if found and not keep_going:
            raise DocumentProblems(found)
        return ArchiveResult(sum(n for n, _ in reports), max(1, len(partitions)), found)

    return write_folder_atomic(output, fill)
