"""The annotation loop: select → (review) → import."""

import json

from conftest import invoke
from zh_metrics.corpus.annotate import NearDuplicates, canonical, import_reviewed
from zh_metrics.corpus.jsonl import read_jsonl_lines
from zh_metrics.corpus.tasks import make_span, make_task
from zh_metrics.files import write_jsonl_atomic

RAW = (
    "青禾市公安局通报:破获电信网络诈骗案件486起,同比上升37.4%;抓获犯罪嫌疑人1,215人。\n"
    "开展“净卡”专项行动以来,冻结涉案资金9,420万元,挽回损失3,100余万元。\n"
    "全市打掉团伙23个,抓获“卡农”412名,同比分别上升64.3%、38.9%。\n"
    "下一步,将持续深化专项行动。\n"
)


def test_near_duplicates():
    seen = NearDuplicates(["破获电信网络诈骗案件486起,同比上升37.4%。"])
    assert "破获电信网络诈骗案件486起,同比上升37.4%" in seen
    assert "全市打掉团伙23个,抓获“卡农”412名。" not in seen


def test_select_writes_prodigy_tasks_and_skips_corpus_duplicates(tiny_model, tmp_path, corpus_tasks):
    raw = tmp_path / "raw.txt"
    duplicate = corpus_tasks[0]["text"].replace("\n", " ")
    raw.write_text(RAW + duplicate + "\n", encoding="utf8")
    out = tmp_path / "tasks.jsonl"
    result = invoke("select", str(raw), "--n", "3", "-o", str(out), "-m", str(tiny_model))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{out}: 3 tasks picked from 5 paragraphs\n"
    tasks = [t for _, t in read_jsonl_lines(out)]
    assert len(tasks) == 3
    texts = {t["text"] for t in tasks}
    assert duplicate not in texts and texts <= set(RAW.splitlines())
    uncertainty = [min(t["meta"]["ner_margin"], t["meta"]["link_certainty"]) for t in tasks]
    for task in tasks:
        assert {"tokens", "spans", "relations", "_input_hash", "_task_hash", "meta"} <= task.keys()
        assert task["meta"]["source"] == str(raw) and isinstance(task["meta"]["line"], int)
        for span in task["spans"]:
            assert task["tokens"][span["token_start"]]["start"] == span["start"]
            assert task["tokens"][span["token_end"]]["end"] == span["end"]
    assert uncertainty == sorted(uncertainty), "least sure first"


def test_round_trip_predict_review_import(ruler_pipeline, tmp_path):
    source = tmp_path / "in.jsonl"
    texts = [
        "破获案件1,204起、抓获3,118人,同比分别上升21.5%、37.2%。",
        "冻结资金3.2亿元,发案数同比下降3.1%。",
        "晋城市公安局开展“断卡”行动。",
    ]
    source.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf8")
    predicted = tmp_path / "predicted.jsonl"
    assert invoke("predict", "-m", str(ruler_pipeline), str(source), str(predicted)).exit_code == 0
    tasks = [t for _, t in read_jsonl_lines(predicted)]
    # the reviewer accepts the first as is, removes the rate from the second, rejects the third
    tasks[0]["answer"] = "accept"
    tasks[1]["answer"] = "accept"
    tasks[1]["spans"] = [s for s in tasks[1]["spans"] if s["label"] != "RATE"]
    tasks[1]["relations"] = []
    tasks[2]["answer"] = "reject"
    reviewed = tmp_path / "reviewed.jsonl"
    write_jsonl_atomic(reviewed, tasks)

    corpus = tmp_path / "train.jsonl"
    old = make_task(texts[1], [make_span(2, 6, "COUNT")], meta={"doc": "old"})
    keep = make_task("另一段文字,抓获3人。", [make_span(8, 10, "COUNT")], meta={"doc": "keep"})
    write_jsonl_atomic(corpus, [old, keep])
    result = invoke("import", str(reviewed), "--into", str(corpus))
    assert result.exit_code == 0, result.stderr
    assert "added 1, replaced 1, skipped 1, invalid 0" in result.stdout
    after = [t for _, t in read_jsonl_lines(corpus)]
    assert [t["text"] for t in after] == [texts[1], keep["text"], texts[0]]
    assert after[0] == canonical(tasks[1]) and after[1] == keep and after[2] == canonical(tasks[0])
    text = after[2]["text"]
    pairs = [
        (text[r["head_span"]["start"] : r["head_span"]["end"]], text[r["child_span"]["start"] : r["child_span"]["end"]])
        for r in after[2]["relations"]
    ]
    assert pairs == [("1,204起", "21.5%"), ("3,118人", "37.2%")]
    assert [s["label"] for s in after[0]["spans"]] == ["MONEY"] and after[0]["tokens"][0] == {
        "text": "冻",
        "start": 0,
        "end": 1,
        "id": 0,
        "ws": False,
    }


def test_import_reports_invalid_tasks_by_line_and_skips_them(tmp_path):
    good = make_task("破获案件202起。", [make_span(4, 8, "COUNT")])
    bad_label = make_task("抓获3人。", [make_span(2, 4, "PEOPLE")])
    overlapping = make_task("冻结资金3.2亿元。", [make_span(4, 10, "MONEY"), make_span(6, 10, "MONEY")])
    reviewed = tmp_path / "reviewed.jsonl"
    write_jsonl_atomic(reviewed, [good, bad_label, overlapping])
    with reviewed.open("a", encoding="utf8") as fh:
        fh.write("{not json\n")
    into = tmp_path / "new" / "train.jsonl"
    summary = import_reviewed(reviewed, into)
    assert (summary.added, summary.replaced, summary.skipped) == (1, 0, 0)
    assert [p.split(": ")[0] for p in summary.invalid] == [f"{reviewed}:2", f"{reviewed}:3", f"{reviewed}:4"]
    assert [t["text"] for _, t in read_jsonl_lines(into)] == ["破获案件202起。"]
    result = invoke("import", str(reviewed), "--into", str(into))
    assert result.exit_code == 1 and f"{reviewed}:2: spans[0].label" in result.stderr
