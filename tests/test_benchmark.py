"""The benchmark's parts on a small scale (figures themselves come from the workflow)."""
import zh_metrics
from zh_metrics.benchmark import document_of, format_benchmark, run_benchmark


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
