"""Records, the Python API and the extract/predict command line, on a saved pipeline."""

import csv
import io
import json
import re

import pytest
import spacy

import zh_metrics
from conftest import invoke
from zh_metrics.api import ModelNotFound
from zh_metrics.records import extract_document

REPORT = (
    "晋城市公安局通报夏季治安打击整治行动成果\\n来源: 太行日报\n"
    "破获电信网络诈骗案件202起,环比上升132.18%;抓获犯罪嫌疑人176人,环比上升43.09%。\n"
    "\n"
    "开展“断卡”行动以来,冻结资金3.2亿元,发案数同比下降3.1%。\n"
)


@pytest.fixture(scope="module")
def nlp(ruler_pipeline):
    return zh_metrics.load(ruler_pipeline)


def test_extract_gives_one_row_per_figure(nlp):
    rows = [
        m.to_dict() for m in zh_metrics.extract("破获电信网络诈骗案件202起,环比上升132.18%;抓获犯罪嫌疑人176人。", nlp)
    ]
    assert [(r["indicator"], r["value"], r["unit"], r["qualifier"]) for r in rows] == [
        ("破获电信网络诈骗案件", 202, "起", "exact"),
        ("抓获犯罪嫌疑人", 176, "人", "exact"),
    ]
    assert rows[0]["change"] == {"value": 1.3218, "unit": "ratio", "basis": "环比", "text": "132.18%"}
    assert rows[1]["change"] is None
    assert rows[0]["sentence"] == "破获电信网络诈骗案件202起,环比上升132.18%" and (
        rows[0]["start"],
        rows[0]["end"],
    ) == (10, 14)


@pytest.mark.parametrize(
    "text,indicator",
    [
        ("晋城市公安局在“断卡”行动中破获电信网络诈骗案件202起。", "破获电信网络诈骗案件"),
        ("“断卡”行动开展以来共抓获176人。", "抓获"),
        ("中小学生溺水事故202起。", "中小学生溺水事故"),
    ],
)
def test_indicator_leaves_out_the_frame_around_an_entity(nlp, text, indicator):
    assert zh_metrics.extract(text, nlp)[0].indicator == indicator


def test_organisation_and_campaign_never_reach_back_from_a_later_sentence(nlp):
    paragraphs = ["破获案件202起。", "晋城市公安局开展“断卡”行动,抓获176人。", "冻结资金3.2亿元。"]
    metrics = extract_document([nlp(p) for p in paragraphs])
    assert [(m.text, m.organisation, m.campaign) for m in metrics] == [
        ("202起", None, None),
        ("176人", "晋城市公安局", "“断卡”行动"),
        ("3.2亿元", "晋城市公安局", None),
    ]
    # offsets say where the name came from: in the paragraph, or counted back from it
    assert [(m.organisation_start, m.campaign_start) for m in metrics[1:]] == [(0, 8), (-23, None)]


def test_a_rate_without_figure_is_a_row_of_its_own(nlp):
    (metric,) = zh_metrics.extract("发案数同比下降3.1%。", nlp)
    assert (metric.indicator, metric.value, metric.change.value, metric.change.basis) == (
        "发案数",
        None,
        -0.031,
        "同比",
    )


def test_dataframe(nlp):
    frame = zh_metrics.to_dataframe(zh_metrics.extract("破获电信网络诈骗案件202起,环比上升132.18%。", nlp))
    assert list(frame["change_value"]) == [1.3218] and list(frame["indicator"]) == ["破获电信网络诈骗案件"]


def test_missing_model_says_how_to_train(tmp_path):
    with pytest.raises(ModelNotFound, match="spacy project run all"):
        zh_metrics.load(tmp_path / "nothing")


def test_empty_text_gives_no_records(nlp):
    assert zh_metrics.extract("", nlp) == [] and zh_metrics.extract("   \n ", nlp) == []


def test_cli_extract_formats_and_output_file(ruler_pipeline, tmp_path):
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf8")
    jsonl = invoke("extract", str(report), "--model", str(ruler_pipeline))
    assert jsonl.exit_code == 0, jsonl.stderr
    rows = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["202起", "176人", "3.2亿元", "3.1%"]
    assert {r["organisation"] for r in rows} == {"晋城市公安局"} and rows[2]["campaign"] == "“断卡”行动"
    out = tmp_path / "records.csv"
    assert invoke("extract", str(report), "--model", str(ruler_pipeline), "-f", "csv", "-o", str(out)).exit_code == 0
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf8"))))
    assert table[0]["change_value"] == "1.3218" and table[0]["document"] == str(report)
    shown = invoke("extract", "-", "--model", str(ruler_pipeline), "-f", "table", input="破获案件202起")
    assert shown.stdout.splitlines()[0].startswith("indicator") and "202" in shown.stdout


def test_cli_extract_bad_input_names_file_and_line_and_writes_nothing(ruler_pipeline, tmp_path):
    out = tmp_path / "out.jsonl"
    english = tmp_path / "en.txt"
    english.write_text("\n\nonly English here\n", encoding="utf8")
    result = invoke("extract", str(english), "--model", str(ruler_pipeline), "-o", str(out))
    assert result.exit_code == 1 and f"{english}:3: text: no Chinese characters" in result.stderr
    broken = tmp_path / "mixed.txt"  # UTF-8, then GBK: no one encoding reads it
    broken.write_bytes("第一行\n".encode() + "第二行".encode("gbk"))
    result = invoke("extract", str(broken), "--model", str(ruler_pipeline), "-o", str(out))
    assert result.exit_code == 1 and f"{broken}:2: not text in UTF-8, GB18030/GBK or Big5" in result.stderr
    assert not out.exists() and "Traceback" not in result.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf8")
    result = invoke("extract", str(empty), "--model", str(ruler_pipeline))
    assert result.exit_code == 0 and result.stdout == ""


def test_cli_extract_a_one_megabyte_document(ruler_pipeline, tmp_path):
    big = tmp_path / "big.txt"
    sentence = "破获电信网络诈骗案件202起,环比上升132.18%。"
    big.write_text(sentence * (1_000_000 // len(sentence.encode("utf8")) + 1), encoding="utf8")
    assert big.stat().st_size > 1_000_000
    result = invoke("extract", str(big), "--model", str(ruler_pipeline), "-f", "csv")
    assert result.exit_code == 0, result.stderr[-500:]
    assert result.stdout.count("\n") - 1 == big.read_text(encoding="utf8").count("202起")


def test_cli_predict_writes_prodigy_tasks(ruler_pipeline, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps(
            {"text": "破获案件1,204起、抓获3,118人,同比分别上升21.5%、37.2%。", "meta": {"id": "x"}}, ensure_ascii=False
        )
        + "\n",
        encoding="utf8",
    )
    out = tmp_path / "out.jsonl"
    result = invoke("predict", "-m", str(ruler_pipeline), str(source), str(out))
    assert result.exit_code == 0, result.stderr
    (task,) = [json.loads(line) for line in out.read_text(encoding="utf8").splitlines()]
    assert (
        task["meta"] == {"source": str(source), "line": 1, "id": "x"}
        and isinstance(task["_input_hash"], int)
        and isinstance(task["_task_hash"], int)
    )
    tokens = task["tokens"]
    assert all(tokens[i]["id"] == i and task["text"][t["start"] : t["end"]] == t["text"] for i, t in enumerate(tokens))
    first = task["spans"][0]
    assert (first["label"], first["value"], first["unit"], first["qualifier"]) == ("COUNT", 1204, "起", "exact")
    assert tokens[first["token_start"]]["start"] == first["start"] and tokens[first["token_end"]]["end"] == first["end"]
    pairs = [
        (
            task["text"][r["head_span"]["start"] : r["head_span"]["end"]],
            task["text"][r["child_span"]["start"] : r["child_span"]["end"]],
        )
        for r in task["relations"]
    ]
    assert pairs == [("1,204起", "21.5%"), ("3,118人", "37.2%")]
    assert all(
        r["head"] == r["head_span"]["token_end"] and r["child"] == r["child_span"]["token_end"]
        for r in task["relations"]
    )
    rate = task["spans"][2]
    assert (rate["value"], rate["unit"], rate["basis"]) == (0.215, "ratio", "同比")


def test_cli_predict_bad_line(ruler_pipeline, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "好"}\n{"text": 3}\n{oops\n', encoding="utf8")
    out = tmp_path / "out.jsonl"
    result = invoke("predict", "-m", str(ruler_pipeline), str(source), str(out))
    assert result.exit_code == 1 and not out.exists()
    assert f"{source}:2: text:" in result.stderr and f"{source}:3: json:" in result.stderr


def test_pipeline_loads_with_spacy_load(ruler_pipeline):
    nlp = spacy.load(ruler_pipeline)
    assert nlp.pipe_names[-2:] == ["figure_normaliser", "change_linker"]


def test_record_schema_has_a_column_for_every_field(nlp):
    """A field added to Metric or Record must find its column in the one Parquet schema, which
    has the CSV's columns in their order."""
    from zh_metrics.records import COLUMNS, RECORD_FIELDS, Record, flatten, record_schema

    (metric,) = zh_metrics.extract("破获案件202起,环比上升132.18%。", nlp)
    assert set(flatten(Record(metric, "松川.txt", 1))) == set(RECORD_FIELDS) and tuple(RECORD_FIELDS) == COLUMNS
    fields = {f.name: (str(f.type), f.nullable) for f in record_schema()}
    assert [fields[name] for name in ("value", "start", "date", "page", "period_end", "campaign_start")] == [
        ("double", True),
        ("int64", False),
        ("date32[day]", True),
        ("int64", True),
        ("string", True),
        ("int64", True),
    ]


def test_record_rows_and_parquet(nlp, tmp_path):
    import datetime

    import pyarrow.parquet as pq

    from zh_metrics.records import Record, parquet_bytes, record_rows

    metrics = zh_metrics.extract("今年以来,抓获176人,环比上升43.09%;破获案件202起。", nlp)
    records = [Record(metrics[0], "松川.txt", 2, None, datetime.date(2026, 3, 1)), Record(metrics[1], "松川.txt", 2)]
    rows = record_rows(records)
    assert [(r["document"], r["paragraph"], r["page"], r["date"], r["text"], r["value"]) for r in rows] == [
        ("松川.txt", 2, None, datetime.date(2026, 3, 1), "176人", 176),
        ("松川.txt", 2, None, None, "202起", 202),
    ]
    assert (rows[0]["change_value"], rows[0]["change_basis"], rows[1]["change_text"]) == (0.4309, "环比", None)
    assert (
        (rows[0]["period"], rows[0]["period_start"])
        == (metrics[0].period, metrics[0].period_start)
        == ("今年以来", None)
    )
    (tmp_path / "part.parquet").write_bytes(parquet_bytes(rows))
    back = pq.read_table(tmp_path / "part.parquet").to_pylist()
    assert back[0]["value"] == 176.0 and isinstance(back[0]["value"], float) and back[1]["date"] is None
    assert back[0]["date"] == datetime.date(2026, 3, 1) and back[1]["change_value"] is None


def test_a_dataset_folder_is_replaced_whole_or_not_at_all(tmp_path):
    from zh_metrics.files import write_folder_atomic

    out = tmp_path / "records"

    def parts(names):
        def fill(folder):
            for name in names:
                (folder / name).write_bytes(b"PAR1")
            return len(names)

        return fill

    assert write_folder_atomic(out, parts(["part-00000.parquet", "part-00001.parquet"])) == 2
    write_folder_atomic(out, parts(["part-00000.parquet"]))
    assert [p.name for p in out.iterdir()] == ["part-00000.parquet"]

    def fail(folder):
        (folder / "part-00000.parquet").write_bytes(b"half")
        raise RuntimeError("the run broke")

    with pytest.raises(RuntimeError):
        write_folder_atomic(out, fail)
    assert (out / "part-00000.parquet").read_bytes() == b"PAR1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records"]  # no temporary folder left
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not a folder of .parquet files"):
        write_folder_atomic(tmp_path / "mine", parts(["part-00000.parquet"]))
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_cli_extract_date_settles_relative_periods(ruler_pipeline, tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("今年以来,晋城市公安局破获案件202起。\n", encoding="utf8")
    result = invoke("extract", str(report), "--model", str(ruler_pipeline), "--date", "2025-07-15")
    assert result.exit_code == 0, result.stderr
    (row,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (row["period"], row["period_start"], row["period_end"]) == ("今年以来", "2025-01-01", "2025-07-15")
    assert (row["organisation"], row["organisation_start"]) == ("晋城市公安局", 5)
    bad = invoke("extract", str(report), "--model", str(ruler_pipeline), "--date", "July 2025")
    assert bad.exit_code == 2 and "--date" in bad.stderr


def test_cli_predict_tasks_carry_records_dated_by_meta(ruler_pipeline, tmp_path):
    source = tmp_path / "in.jsonl"
    task = {"text": "今年以来,破获案件202起。", "meta": {"date": "2025-07-15"}}
    source.write_text(json.dumps(task, ensure_ascii=False) + "\n", encoding="utf8")
    out = tmp_path / "out.jsonl"
    assert invoke("predict", "-m", str(ruler_pipeline), str(source), str(out)).exit_code == 0
    (record,) = json.loads(out.read_text(encoding="utf8"))["records"]
    assert (record["figure"], record["start"], record["end"], record["indicator"]) == ("202起", 9, 13, "破获案件")
    assert (record["period"], record["period_start"]) == ("今年以来", "2025-01-01")
    source.write_text(json.dumps({"text": "破获案件202起", "meta": {"date": "soon"}}) + "\n", encoding="utf8")
    result = invoke("predict", "-m", str(ruler_pipeline), str(source), str(tmp_path / "none.jsonl"))
    assert result.exit_code == 1 and f"{source}:1: meta.date:" in result.stderr
    assert not (tmp_path / "none.jsonl").exists()


def test_evaluate_records_scores_exact_and_character_f1(ruler_pipeline, tmp_path):
    from zh_metrics.measure.records import evaluate_records

    text = "今年以来,破获电信网络诈骗案件202起,环比上升132.18%;抓获犯罪嫌疑人176人。"
    first, second = text.index("202起"), text.index("176人")
    gold = [
        {
            "figure": "202起",
            "start": first,
            "end": first + 4,
            "indicator": "破获电信网络诈骗案件",
            "period": "今年以来",
        },
        # a wrong period on purpose: 今年以来 against 去年 share one character of four and two
        {"figure": "176人", "start": second, "end": second + 4, "indicator": "抓获犯罪嫌疑人", "period": "去年"},
    ]
    texts, records = tmp_path / "dev.jsonl", tmp_path / "dev_records.jsonl"
    texts.write_text(json.dumps({"text": text}, ensure_ascii=False) + "\n", encoding="utf8")
    records.write_text(json.dumps({"text": text, "records": gold}, ensure_ascii=False) + "\n", encoding="utf8")
    result = evaluate_records(zh_metrics.load(ruler_pipeline), texts, records)
    assert (result["figures"], result["indicator_exact"], result["period_exact"]) == (2, 1.0, 0.5)
    assert result["period_char_f1"] == pytest.approx((1 + 2 * 0.25 * 0.5 / 0.75) / 2)
    shown = invoke("evaluate-records", "--model", str(ruler_pipeline), str(texts), str(records))
    assert shown.exit_code == 0 and "period        0.500    0.667" in shown.stdout
    records.write_text(json.dumps({"text": "别的", "records": []}) + "\n", encoding="utf8")
    bad = invoke("evaluate-records", "--model", str(ruler_pipeline), str(texts), str(records))
    assert bad.exit_code == 1 and f"{records}:1: text:" in bad.stderr
    missing = invoke("evaluate-records", str(tmp_path / "no.jsonl"), str(records), "--skip-missing")
    assert missing.exit_code == 0 and "not found, skipped" in missing.stdout


def test_evaluate_records_joins_the_paragraphs_of_one_page_into_a_document(ruler_pipeline, tmp_path):
    """With --documents-by, lines from the same page are one document: a period set in the
    first paragraph scopes the second's figures, and those documents are scored on their own."""
    from zh_metrics.measure.records import evaluate_records

    first, second, other = "今年以来,破获案件202起。", "抓获犯罪嫌疑人176人。", "抓获犯罪嫌疑人176人。"
    pages = [(first, "page-a", "今年以来"), (second, "page-a", "今年以来"), (other, "page-b", None)]
    texts, records = tmp_path / "dev.jsonl", tmp_path / "dev_records.jsonl"
    texts.write_text(
        "".join(json.dumps({"text": t, "meta": {"url": u}}, ensure_ascii=False) + "\n" for t, u, _ in pages),
        encoding="utf8",
    )
    gold_lines = []
    for text, _, period in pages:
        figure = re.search(r"\d+[起人]", text)
        assert figure is not None
        record = {"figure": figure.group(), "start": figure.start(), "end": figure.end(), "period": period}
        gold_lines.append(json.dumps({"text": text, "records": [record]}, ensure_ascii=False) + "\n")
    records.write_text("".join(gold_lines), encoding="utf8")
    nlp = zh_metrics.load(ruler_pipeline)
    apart = evaluate_records(nlp, texts, records)
    joined = evaluate_records(nlp, texts, records, documents_by="url")
    assert (apart["documents"], apart["period_exact"], "several" in apart) == (3, pytest.approx(2 / 3), False)
    assert (joined["documents"], joined["period_exact"]) == (2, 1.0)
    assert (joined["several"]["documents"], joined["several"]["figures"]) == (1, 2)
    shown = invoke("evaluate-records", "-m", str(ruler_pipeline), str(texts), str(records), "--documents-by", "url")
    assert shown.exit_code == 0 and "3 gold figures in 2 documents" in shown.stdout
    assert "in the 1 documents of several paragraphs (2 gold figures" in shown.stdout
