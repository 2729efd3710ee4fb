"""The benchmark's parts on a small scale (figures themselves come from the workflow)."""

import zh_metrics
from conftest import invoke
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
