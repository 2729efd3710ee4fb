"""The Dask engine on real local clusters of worker processes, against the local engine."""

import datetime
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import cloudpickle
import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from distributed import WorkerPlugin

from conftest import invoke
from zh_metrics.cluster import (
    ClusterUnavailable,
    DocumentProblems,
    archive_to_parquet,
    check_scheduler,
    connect,
    extract_archive,
)
from zh_metrics.records import RECORD_FIELDS

# the workers unpickle the helpers defined here without importing this module
cloudpickle.register_pickle_by_value(sys.modules[__name__])

# Invented reports (the ruler of conftest knows their names and figures). Organisations and
# campaigns reach figures in later paragraphs of their document, by the rules of records.scope.
DOCUMENTS = {
    "a.txt": "晋城市公安局通报\n破获案件202起,环比上升132.18%。\n\n冻结资金3.2亿元,同比下降3.1%。\n",
    "b.txt": "“断卡”行动开展以来,晋城市公安局抓获176人,环比上升43.09%。\n冻结资金3000余万元。\n",
    "sub/c.txt": "市公安局开展“断卡”行动,破获案件1,204起、抓获3,118人,同比分别上升21.5%、37.2%。\n",
    "sub/d.txt": "来源: 太行日报\n破案率60.72%。\n挽回损失3000余万元。\n",
    "sub/deeper/e.txt": "抓获176人。\n晋城市公安局破获案件202起。\n",
}
JSONL = [
    {"text": "晋城市公安局破获案件202起,环比上升132.18%。"},
    {"text": "夏季治安打击整治行动抓获176人。"},
]
FLAT_CHANGE = ("value", "unit", "basis", "text")


def cli(*args):
    """The command in a new process, as other programs run it (and it starts Dask processes)."""
    return subprocess.run([sys.executable, "-m", "zh_metrics", *args], capture_output=True, text=True)


def write_archive(folder: Path) -> Path:
    for name, text in DOCUMENTS.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf8")
    (folder / "more.jsonl").write_text(
        "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in JSONL), encoding="utf8"
    )
    return folder


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return write_archive(tmp_path_factory.mktemp("archive"))


@pytest.fixture(scope="module")
def inputs(archive) -> list[str]:
    """A folder (its .txt files, recursively) and a JSONL file, as a user would name them."""
    return [str(archive), str(archive / "more.jsonl")]


@pytest.fixture(scope="module")
def client():
    """A real cluster of two single-threaded worker processes."""
    with connect(workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        yield client


@pytest.fixture(scope="module")
def local_records(ruler_pipeline, inputs) -> list[dict]:
    """The local engine's JSONL records, flattened the way the Parquet schema lays them out."""
    result = cli("extract", *inputs, "--model", str(ruler_pipeline))
    assert result.returncode == 0, result.stderr
    rows = []
    for line in result.stdout.splitlines():
        record = json.loads(line)
        change = record.pop("change") or {}
        rows.append({**record, **{f"change_{field}": change.get(field) for field in FLAT_CHANGE}})
    return rows


def rows_of(frame: pd.DataFrame) -> list[dict]:
    return pa.Table.from_pandas(frame, preserve_index=False).to_pylist()


def same_records(rows: list[dict], local: list[dict], ignore: tuple[str, ...] = ()) -> None:
    """Every record equal, in order, on every field the local engine gives (but `ignore`)."""
    assert len(rows) == len(local)
    for row, expected in zip(rows, local):
        assert {k: row[k] for k in expected if k not in ignore} == {k: expected[k] for k in expected if k not in ignore}


# Worked out by hand from DOCUMENTS and the rules of records.scope: files in path order, then
# the JSONL lines. The subject of a clause (晋城市公安局通报) runs on into later paragraphs but
# never back (e.txt); an event scope (“断卡”行动开展以来) runs on like a period; a campaign set
# going in its sentence (开展“断卡”行动,破获…) holds there; a byline (来源: 太行日报) is no
# organisation.
EXPECTED = [
    ("a.txt", "202起", "晋城市公安局", None, "132.18%"),
    ("a.txt", "3.2亿元", "晋城市公安局", None, "3.1%"),
    ("b.txt", "176人", "晋城市公安局", "“断卡”行动", "43.09%"),
    ("b.txt", "3000余万元", "晋城市公安局", "“断卡”行动", None),
    ("sub/c.txt", "1,204起", "市公安局", "“断卡”行动", "21.5%"),
    ("sub/c.txt", "3,118人", "市公安局", "“断卡”行动", "37.2%"),
    ("sub/d.txt", "60.72%", None, None, None),
    ("sub/d.txt", "3000余万元", None, None, None),
    ("sub/deeper/e.txt", "176人", None, None, None),
    ("sub/deeper/e.txt", "202起", "晋城市公安局", None, None),
    ("more.jsonl:1", "202起", "晋城市公安局", None, "132.18%"),
    ("more.jsonl:2", "176人", None, "夏季治安打击整治行动", None),
]


def test_the_local_records_are_the_expected_ones(local_records, archive):
    assert [(r["document"], r["text"], r["organisation"], r["campaign"], r["change_text"]) for r in local_records] == [
        (str(archive / name), *rest) for name, *rest in EXPECTED
    ]


@pytest.mark.parametrize("partition_bytes", [1, 10**9], ids=["a-partition-per-file", "one-partition"])
def test_dask_frame_has_the_local_records(client, ruler_pipeline, inputs, local_records, tmp_path, partition_bytes):
    """The model is shipped from a copy that is gone before the workers run: they use theirs."""
    model = tmp_path / "model-copy"
    shutil.copytree(ruler_pipeline, model)
    frame = extract_archive(inputs, model, client=client, partition_bytes=partition_bytes)
    shutil.rmtree(model)
    assert frame.npartitions == (len(DOCUMENTS) + 1 if partition_bytes == 1 else 1)
    result = client.compute(frame).result()
    same_records(rows_of(result), local_records)
    assert list(result.columns) == list(RECORD_FIELDS)
    assert str(result["value"].dtype) == "double[pyarrow]" and str(result["start"].dtype) == "int64[pyarrow]"
    assert sorted(result[result["document"].str.endswith("a.txt")]["paragraph"]) == [2, 3]  # counted from 1
    assert list(result[result["document"].str.endswith("b.txt")]["period"]) == ["“断卡”行动开展以来"] * 2


def cache_info(dask_worker):
    from zh_metrics.cluster import worker_pipeline

    info = worker_pipeline.cache_info()
    return info.hits, info.misses, str(Path(dask_worker.local_directory))


def test_each_worker_loads_the_pipeline_once(client, ruler_pipeline, inputs):
    frame = extract_archive(inputs, ruler_pipeline, client=client, partition_bytes=1)
    client.compute(frame).result()
    client.compute(extract_archive(inputs, ruler_pipeline, client=client, partition_bytes=1)).result()
    loads = client.run(cache_info)
    assert all(misses == 1 for _, misses, _ in loads.values()), loads
    assert sum(hits + misses for hits, misses, _ in loads.values()) >= 2 * (len(DOCUMENTS) + 1)


def test_workers_keep_glibcs_own_memory_thresholds(client):
    """distributed's fixed trim threshold costs the pipeline 40% more CPU (docs/dask.md)."""
    assert set(client.run(os.environ.get, "MALLOC_TRIM_THRESHOLD_").values()) == {None}
    assert set(client.run(os.environ.get, "OMP_NUM_THREADS").values()) == {"1"}  # the rest of it stays


def test_parquet_from_the_cli_on_both_engines(ruler_pipeline, inputs, local_records, tmp_path):
    """--workers N starts its own cluster; the options of reading reach the workers (the date);
    pandas and DuckDB read both datasets alike."""
    outputs = {}
    for engine, extra in (("local", []), ("dask", ["--workers", "2"])):
        outputs[engine] = tmp_path / engine
        result = cli(
            "extract", *inputs, "--model", str(ruler_pipeline), "--engine", engine, *extra, "--date", "2026-03-01",
            "--format", "parquet", "--output", str(outputs[engine]),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert f"{outputs[engine]}: 12 records" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in outputs["local"].iterdir()] == ["part-00000.parquet"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left
    schema = pq.read_schema(outputs["dask"] / "part-00000.parquet")
    assert schema.field("value").type == pa.float64() and schema.field("end").type == pa.int64()
    assert schema.field("period_start").type == pa.string() and schema.field("period").nullable
    assert schema.field("date").type == pa.date32() and schema.field("page").type == pa.int64()
    assert not schema.field("document").nullable
    local = pd.read_parquet(outputs["local"])
    dask = pd.read_parquet(outputs["dask"])
    same_records(rows_of(dask), local_records, ignore=("date",))
    assert rows_of(local) == rows_of(dask)
    assert {row["date"] for row in rows_of(dask)} == {datetime.date(2026, 3, 1)}
    query = "SELECT document, text, value, change_value FROM read_parquet('{}/*.parquet') WHERE change_basis = '环比'"
    found = [duckdb.sql(query.format(outputs[engine])).fetchall() for engine in ("local", "dask")]
    assert found[0] == found[1]
    assert found[0][0][1:] == ("202起", 202.0, 1.3218)


class DieOnce(WorkerPlugin):
    """Ends its worker's process the first time any worker starts a partition: the marker
    file, created atomically, makes it once in the whole cluster."""

    name = "die-once"

    def __init__(self, marker: str):
        self.marker = marker

    def transition(self, key, start, finish, **kwargs):
        if finish == "executing" and "zh-metrics-part" in str(key):
            try:
                fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            os._exit(1)


def test_a_worker_that_dies_has_its_partition_run_again_without_duplicates(
    ruler_pipeline, inputs, local_records, tmp_path
):
    marker = tmp_path / "died"
    with connect(workers=2) as client:
        client.register_plugin(DieOnce(str(marker)))
        result = archive_to_parquet(inputs, ruler_pipeline, tmp_path / "out", client, partition_bytes=1)
        pids = set(client.run(os.getpid).values())
    dead = int(marker.read_text())
    assert dead not in pids
    assert (result.records, result.parts, result.problems) == (len(local_records), len(DOCUMENTS) + 1, [])
    assert len(list((tmp_path / "out").iterdir())) == len(DOCUMENTS) + 1
    same_records(rows_of(pd.read_parquet(tmp_path / "out")), local_records)


@pytest.fixture()
def bad_archive(tmp_path) -> Path:
    folder = write_archive(tmp_path / "reports")
    (folder / "latin1.txt").write_bytes("Café crème, déjà vu ±".encode("latin-1"))
    with (folder / "more.jsonl").open("a", encoding="utf8") as fh:
        fh.write('{"title": "no text"}\n')
    return folder


def test_unreadable_files_are_reported_after_the_run(client, ruler_pipeline, bad_archive, tmp_path):
    address = client.scheduler.address
    inputs = [str(bad_archive), str(bad_archive / "more.jsonl"), str(bad_archive / "missing.txt")]
    expected = [
        f"{bad_archive / 'latin1.txt'}:1: not text in UTF-8, GB18030/GBK or Big5",
        f"{bad_archive / 'more.jsonl'}:3: text: not a JSON object",
        f"{bad_archive / 'missing.txt'}: No such file or directory",
    ]
    out = tmp_path / "out"
    args = ["extract", *inputs, "--model", str(ruler_pipeline), "--format", "parquet", "--output", str(out)]
    refused = cli(*args, "--engine", "dask", "--scheduler", address)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    lines = refused.stderr.splitlines()
    assert all(any(line.startswith(e) for line in lines) for e in expected), refused.stderr
    assert lines[-1] == "3 problem(s) in the input: nothing written" and not out.exists()

    written = {}
    for engine, extra in (("local", []), ("dask", ["--scheduler", address])):
        written[engine] = tmp_path / engine
        result = cli(*args[:-1], str(written[engine]), "--engine", engine, *extra, "--keep-going")
        assert result.returncode == 1 and "Traceback" not in result.stderr
        lines = result.stderr.splitlines()
        assert all(any(line.startswith(e) for line in lines) for e in expected), result.stderr
        assert lines[-1].startswith("3 problem(s) in the input: their files skipped")
    rows = rows_of(pd.read_parquet(written["dask"]))
    assert rows == rows_of(pd.read_parquet(written["local"])) and len(rows) == 12


def test_dask_frame_of_an_unreadable_file_fails_with_its_problem(client, ruler_pipeline, bad_archive):
    frame = extract_archive([str(bad_archive / "latin1.txt")], ruler_pipeline, client=client)
    with pytest.raises(DocumentProblems, match=r"latin1\.txt:1: not text in UTF-8"):
        client.compute(frame).result()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_scheduler_that_accepts_and_never_answers_gives_one_line_within_the_timeout(ruler_pipeline, archive):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    held = []
    threading.Thread(target=lambda: held.extend(silent.accept() for _ in range(8)), daemon=True).start()
    address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
    start = time.monotonic()
    result = cli(
        "extract", str(archive), "--model", str(ruler_pipeline), "--engine", "dask", "--scheduler", address,
        "--format", "parquet", "--output", str(archive.parent / "never"),
    )  # fmt: skip
    elapsed = time.monotonic() - start
    assert result.returncode == 1 and result.stderr == f"{address}: no Dask scheduler answered within 10 s\n"
    assert 10 <= elapsed < 40, elapsed  # the 10 s deadline plus starting Python and importing Dask
    assert not (archive.parent / "never").exists()
    silent.close()


class Teapot(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_error(418)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("kind", ["closed port", "web server", "no port"])
def test_what_is_not_a_scheduler_is_said_in_one_line(kind):
    server = None
    if kind == "closed port":
        address = f"tcp://127.0.0.1:{free_port()}"
    elif kind == "web server":
        server = HTTPServer(("127.0.0.1", 0), Teapot)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        address = f"tcp://127.0.0.1:{server.server_address[1]}"
    else:
        address = "scheduler-host"
    start = time.monotonic()
    with pytest.raises(ClusterUnavailable) as error:
        check_scheduler(address, timeout=2)
    assert time.monotonic() - start < 5
    assert str(error.value).startswith(f"{address}: ") and "\n" not in str(error.value)
    if server is not None:
        server.shutdown()


def test_the_dask_engine_writes_parquet_only_and_from_files(ruler_pipeline, archive, tmp_path):
    model = ["--model", str(ruler_pipeline)]
    result = invoke("extract", str(archive), *model, "--engine", "dask", "--workers", "1")
    assert result.exit_code == 1 and result.stderr.startswith("--engine dask writes a Parquet dataset")
    result = invoke("extract", "-", *model, "--engine", "dask", "--format", "parquet", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and "not standard input" in result.stderr
    result = invoke("extract", str(archive), *model, "--format", "parquet")
    assert result.exit_code == 1 and "--output DIR" in result.stderr
    result = invoke("extract", str(archive), *model, "--workers", "2", "--format", "parquet", "-o", str(tmp_path))
    assert result.exit_code == 1 and result.stderr == "--workers and --scheduler are for --engine dask\n"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    result = invoke("extract", str(archive), *model, "--format", "parquet", "-o", str(mine))
    assert result.exit_code == 1 and "not a folder of .parquet files" in result.stderr
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(
    "blocked,engine,message",
    [
        ("pyarrow", "local", "Parquet needs pyarrow: pip install 'zh-metrics[parquet]'"),
        ("distributed", "dask", "the Dask engine needs dask and distributed: pip install 'zh-metrics[dask]'"),
    ],
)
def test_a_missing_extra_is_named_in_one_line(ruler_pipeline, archive, tmp_path, blocked, engine, message):
    """The package is made unimportable the way a missing install is: its import fails."""
    out = tmp_path / "out"
    program = (
        f"import sys; sys.modules[{blocked!r}] = None; from zh_metrics.cli import main; "
        f"sys.argv = ['zh-metrics', 'extract', {str(archive)!r}, '--model', {str(ruler_pipeline)!r}, "
        f"'--engine', {engine!r}, '--format', 'parquet', '--output', {str(out)!r}]; main()"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.returncode == 1 and result.stderr == message + "\n" and not out.exists()
