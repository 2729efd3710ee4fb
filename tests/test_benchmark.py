"""The benchmark's parts on a small scale (figures themselves come from the workflow)."""

import zh_metrics
from conftest import invoke, run
from zh_metrics.files import write_jsonl_atomic
from zh_metrics.measure.benchmark import document_of, format_benchmark, run_benchmark


def test_document_sizes():
    text = document_of(["破获案件202起。", "抓获176人。"], 1_000)
    assert 1_000 <= len(text.encode("utf8")) < 1_100 and "\n" in text


def test_benchmark_measures_every_part(ruler_pipeline, corpus_tasks):
    nlp = zh_metrics.load(ruler_pipeline)
    paragraphs = [t["text"] for t in corpus_tasks[:50]]
    result = run_benchmark(nlp, paragraphs, n_texts=20, stream_docs=200)
    assert result["one_process"]["chars_per_s"] > 0 and result["two_processes"]["docs_per_s"] > 0
    assert [row["bytes"] for row in result["scaling"]] == [1_000, 10_000, 100_000, 1_000_000]
    assert all(row["chars"] * 3 >= row["bytes"] * 0.9 for row in result["scaling"])
    assert [n for n, _ in result["stream"]] == list(range(20, 201, 20))
    report = format_benchmark("ruler", result)
    assert "chars/s" in report and "stream of 200 docs" in report


def test_benchmark_command_measures_pipeline_and_reference(ruler_pipeline, corpus_tasks, tmp_path):
    """Both pipelines each in a fresh process, the reference also on numpy's BLAS, and the
    ratios; the same saved pipeline stands for both here."""
    texts = tmp_path / "texts.jsonl"
    write_jsonl_atomic(texts, corpus_tasks[:40])
    result = invoke(
        "benchmark",
        "-m",
        str(ruler_pipeline),
        "--reference",
        str(ruler_pipeline),
        "--texts",
        str(texts),
        "--n-texts",
        "20",
        "--stream-docs",
        "100",
        "--score-on",
        str(texts),
    )
    out = result.stdout
    assert out.count("first pass over the texts") == 2 and "stream of 100 docs" in out
    assert "== reference on numpy's BLAS, one process:" in out
    assert out.count(f"micro F on {texts}:") == 2
    ratios = [float(line.split(": ")[1].split("x")[0]) for line in out.splitlines() if line.startswith("pipeline / ")]
    assert len(ratios) == 2 and all(r > 0 for r in ratios)


def test_benchmark_names_a_missing_pipeline(tmp_path):
    result = invoke("benchmark", "-m", str(tmp_path / "none"), "--stream-docs", "0")
    assert result.exit_code == 1 and result.stderr.startswith(f"no trained pipeline at {tmp_path / 'none'}:")


def test_synthetic_archive_size(tmp_path):
    """Two corpus texts in turn, two to a document; the second text holds two lines."""
    from zh_metrics.measure.benchmark import make_archive

    size = make_archive(
        ["破获案件202起。", "抓获176人。\n冻结3.2亿元。"], tmp_path / "archive", n_texts=5, per_document=2
    )
    assert size == {"files": 3, "paragraphs": 7, "chars": 3 * 9 + 2 * (7 + 8)}
    names = sorted(p.name for p in (tmp_path / "archive").iterdir())
    assert names == ["doc-000000.txt", "doc-000001.txt", "doc-000002.txt"]
    assert (tmp_path / "archive" / "doc-000002.txt").read_text(encoding="utf8") == "破获案件202起。\n"


def test_estimate_for_more_workers():
    """100 s on one worker for 10 partitions: 10 s each, in waves of as many as there are workers."""
    from zh_metrics.measure.benchmark import estimate_workers

    rows = estimate_workers(100.0, 10, 5.0, (1, 3, 20))
    assert [(r["workers"], r["seconds"], round(r["busy"], 3)) for r in rows] == [
        (1, 105.0, 1.0),
        (3, 45.0, 0.833),
        (20, 15.0, 0.5),
    ]
    (big,) = estimate_workers(100.0, 10, 5.0, (20,), scale=100)
    assert (big["parts"], big["seconds"], big["busy"]) == (1000, 505.0, 1.0)


def test_benchmark_dask_command(ruler_pipeline, corpus_tasks, tmp_path):
    """The local engine and a one-worker cluster on a small archive, and the estimate."""
    texts = tmp_path / "texts.jsonl"
    write_jsonl_atomic(texts, corpus_tasks[:40])
    result = run(
        "-m", "zh_metrics", "benchmark-dask", "--model", str(ruler_pipeline), "--texts", str(texts),
        "--n-texts", "200", "--workers", "1", "--partition-bytes", "4000", "--folder", str(tmp_path / "bench"),
    )  # fmt: skip
    out = result.stdout
    assert "== local engine, one process, one core" in out and "== Dask, local cluster of 1 worker" in out
    assert "records equal to the local engine's, in order: yes" in out and "CPU time per worker" in out
    assert out.count("workers busy") == 6 and "128 workers" in out and "peak memory per worker" in out
    assert sorted(p.name for p in (tmp_path / "bench").iterdir()) == ["dask-1.parquet", "local.parquet", "reports"]
