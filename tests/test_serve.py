"""The service (FastAPI's test client and a real uvicorn on 127.0.0.1), the renderer and the
`serve` and `render` commands, on the rule-based pipeline of conftest.py."""

import asyncio
import csv
import io
import itertools
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote

import pytest
import spacy
from fastapi.testclient import TestClient
from spacy.language import Language

import zh_metrics
from zh_metrics.serve import create_app, render_spans, text_documents
from zh_metrics.serve.load import load_test, percentile, report_bodies
from zh_metrics.serve.server import in_background
from zh_metrics.serve.worker import Worker

FIXTURES = Path(__file__).parent / "fixtures" / "documents"
PARAGRAPHS = [
    "松川市公安局通报夏季治安打击整治行动成果",
    "今年以来,市公安局在夏季治安打击整治行动中破获电信网络诈骗案件1,204起,同比上升21.5%;"
    "抓获犯罪嫌疑人3,118人,同比上升37.2%。",
    "开展“断卡”行动以来,冻结资金3.2亿元,挽回损失3000余万元,破案率达60.72%,发案数同比下降3.1%。",
]
# pasted with a blank line and indentation: the paragraphs are joined by one line break each
REPORT = f"{PARAGRAPHS[0]}\n  {PARAGRAPHS[1]}\n\n{PARAGRAPHS[2]}\n"
TEXT = "\n".join(PARAGRAPHS)
# (indicator, figure, value, unit, change value, basis, organisation, campaign), read by hand;
# the organisation by its fullest mention in the document (docs/ANNOTATION.md, "Records")
RECORDS = [
    ("破获电信网络诈骗案件", "1,204起", 1204, "起", 0.215, "同比", "松川市公安局", "夏季治安打击整治行动"),
    ("抓获犯罪嫌疑人", "3,118人", 3118, "人", 0.372, "同比", "松川市公安局", "夏季治安打击整治行动"),
    ("冻结资金", "3.2亿元", 320_000_000, "元", None, None, "松川市公安局", "“断卡”行动"),
    ("挽回损失", "3000余万元", 30_000_000, "元", None, None, "松川市公安局", "“断卡”行动"),
    ("破案率", "60.72%", 0.6072, "ratio", None, None, "松川市公安局", "“断卡”行动"),
    ("发案数", "3.1%", None, None, -0.031, "同比", "松川市公安局", "“断卡”行动"),
]
ENTITIES = [
    ("ORG", "松川市公安局"),
    ("CAMPAIGN", "夏季治安打击整治行动"),
    ("ORG", "市公安局"),
    ("CAMPAIGN", "夏季治安打击整治行动"),
    ("COUNT", "1,204起"),
    ("RATE", "21.5%"),
    ("COUNT", "3,118人"),
    ("RATE", "37.2%"),
    ("CAMPAIGN", "“断卡”行动"),
    ("MONEY", "3.2亿元"),
    ("MONEY", "3000余万元"),
    ("PERCENT", "60.72%"),
    ("RATE", "3.1%"),
]


@pytest.fixture(scope="module")
def nlp(ruler_pipeline):
    return zh_metrics.load(ruler_pipeline)


@pytest.fixture(scope="module")
def client(nlp):
    with TestClient(create_app(nlp)) as client:
        yield client


def summary(record):
    change = record["change"] or {}
    return (
        record["indicator"],
        record["text"],
        record["value"],
        record["unit"],
        change.get("value"),
        change.get("basis"),
        record["organisation"],
        record["campaign"],
    )


def test_extract_gives_records_entities_and_links_with_offsets_into_the_text(client):
    answer = client.post("/extract", json={"text": REPORT, "date": "2025-07-15"})
    assert answer.status_code == 200
    result = answer.json()
    assert result["text"] == TEXT
    assert [summary(r) for r in result["records"]] == RECORDS
    assert [(r["document"], r["paragraph"], r["page"], r["date"]) for r in result["records"]] == [
        ("text", 2, None, "2025-07-15")
    ] * 2 + [("text", 3, None, "2025-07-15")] * 4
    assert [(e["label"], TEXT[e["start"] : e["end"]]) for e in result["entities"]] == ENTITIES
    count = next(e for e in result["entities"] if e["label"] == "COUNT")
    assert (count["value"], count["unit"], count["qualifier"]) == (1204, "起", "exact")
    assert "token_start" not in count
    links = [(TEXT[slice(*r["head"])], TEXT[slice(*r["child"])], r["label"]) for r in result["relations"]]
    assert links == [("1,204起", "21.5%", "HAS_CHANGE"), ("3,118人", "37.2%", "HAS_CHANGE")]
    first = result["records"][0]
    assert (first["start"], first["end"]) == (TEXT.index("1,204起"), TEXT.index("1,204起") + 6)
    assert first["sentence"].startswith("今年以来")
    assert all(TEXT[r["start"] : r["end"]] == r["text"] for r in result["records"])


@pytest.mark.parametrize("encoding", ["utf8", "utf-8-sig", "gbk"])
def test_an_uploaded_file_gives_what_the_same_text_gives(client, encoding):
    uploaded = client.post("/extract", files={"file": ("通报.txt", REPORT.encode(encoding), "text/plain")})
    pasted = client.post("/extract", json={"text": REPORT})
    assert uploaded.status_code == 200
    assert uploaded.json()["records"] == [{**r, "document": "通报.txt"} for r in pasted.json()["records"]]
    assert uploaded.json()["entities"] == pasted.json()["entities"]


@pytest.mark.parametrize("name", ["report.pdf", "report.docx", "report.html"])
def test_an_uploaded_file_of_any_format_extract_reads_gives_extracts_records(client, nlp, name):
    """The records of `extract_file`, each moved from its paragraph into the joined text (the
    offsets of its organisation and campaign too)."""
    path = FIXTURES / name
    answer = client.post("/extract", files={"file": (name, path.read_bytes())})
    assert answer.status_code == 200
    result = answer.json()
    starts = list(itertools.accumulate((len(p) + 1 for p in result["text"].split("\n")), initial=0))
    expected = [{**r.to_dict(), "document": name} for r in zh_metrics.extract_file(path, nlp)]
    assert expected and all(r["document"] == name for r in result["records"])
    for record, want in zip(result["records"], expected, strict=True):
        shift = starts[want["paragraph"] - 1]
        moved = {
            key: want[key] + shift
            for key in ("start", "end", "organisation_start", "campaign_start")
            if want[key] is not None
        }
        assert record == {**want, **moved}


def test_an_upload_named_with_folders_is_read_under_its_own_name_only(client):
    answer = client.post("/extract", files={"file": ("../../../tmp/x/../report.txt", REPORT.encode("utf8"))})
    assert answer.status_code == 200
    assert {r["document"] for r in answer.json()["records"]} == {"report.txt"}


@pytest.mark.parametrize(
    "data,message",
    [
        (bytes(range(256)) * 4, "report.txt: binary data, not text"),
        (b"only latin letters 202", "report.txt:1: text: no Chinese characters"),
    ],
)
def test_an_unreadable_upload_is_refused_naming_the_file(client, data, message):
    answer = client.post("/extract", files={"file": ("report.txt", data)})
    assert answer.status_code == 422
    assert answer.json()["field"] == "file" and answer.json()["error"].startswith(message)
    assert "zh-metrics-upload" not in answer.json()["error"]


BAD_REQUESTS = [
    # (what is sent, status, field)
    ({"content": '{"text": "破获案件'.encode(), "headers": {"content-type": "application/json"}}, 422, "body"),
    ({"content": b"\xff\xfe\x00", "headers": {"content-type": "application/json"}}, 422, "body"),
    ({"json": {"text": 202}}, 422, "text"),
    ({"json": {"text": ["破获案件202起"]}}, 422, "text"),
    ({"json": {"text": None}}, 422, "text"),
    ({"json": {"date": "2025-07-15"}}, 422, "text"),
    ({"json": ["破获案件202起"]}, 422, "body"),
    ({"json": {"text": "破获案件202起", "date": "2025-02-30"}}, 422, "date"),
    ({"data": {"date": "15/07/2025"}, "files": {"file": ("a.txt", b"x")}}, 422, "date"),
    ({"content": b"text=1", "headers": {"content-type": "text/plain"}}, 415, None),
    ({"content": b"x" * ((1 << 20) + 1), "headers": {"content-type": "application/json"}}, 413, "body"),
]


@pytest.mark.parametrize("request_,status,field", BAD_REQUESTS)
def test_a_bad_request_gets_json_naming_the_field_and_the_server_goes_on(client, request_, status, field):
    answer = client.post("/extract", **request_)
    assert answer.status_code == status
    body = answer.json()
    assert isinstance(body["error"], str) and body["error"]
    assert body.get("field") == field
    if field:
        assert body["error"].startswith(field)
    assert client.post("/extract", json={"text": PARAGRAPHS[1]}).status_code == 200


def test_a_body_over_the_limit_is_refused_without_a_content_length(nlp):
    """A chunked body has no Content-Length: it is counted as it arrives."""
    with TestClient(create_app(nlp, max_body=100)) as client:

        def chunks(n):
            yield from (b"x" * 10 for _ in range(n // 10))

        assert client.post("/extract", content=chunks(200)).status_code == 413
        just_fits = json.dumps({"text": "破获案件202起"}).encode().ljust(100)
        assert len(just_fits) == 100
        json_type = {"content-type": "application/json"}
        assert client.post("/extract", content=just_fits, headers=json_type).status_code == 200
        assert client.post("/extract", content=just_fits + b" ", headers=json_type).status_code == 413


def test_a_request_over_its_time_is_answered_504_and_the_worker_is_soon_free(nlp):
    long_report = json.dumps({"text": "\n".join([PARAGRAPHS[1]] * 3000)}, ensure_ascii=False).encode()
    with TestClient(create_app(nlp, timeout=0.3)) as client:
        started = time.monotonic()
        answer = client.post("/extract", content=long_report, headers={"content-type": "application/json"})
        assert answer.status_code == 504 and "0.3 s" in answer.json()["error"]
        assert time.monotonic() - started < 5
        # the abandoned request stops at its next batch of paragraphs
        while client.get("/health").json()["pending"]:
            assert time.monotonic() - started < 10
            time.sleep(0.05)
        assert client.post("/extract", json={"text": PARAGRAPHS[1]}).status_code == 200


def test_requests_beyond_the_queue_are_answered_503_at_once(nlp):
    long_report = json.dumps({"text": "\n".join([PARAGRAPHS[1]] * 1000)}, ensure_ascii=False).encode()
    with in_background(create_app(nlp, max_pending=1, timeout=60)) as url:
        slow: list[int] = []
        sender = threading.Thread(target=lambda: slow.append(post(url + "/extract", long_report)[0]))
        sender.start()
        deadline = time.monotonic() + 10
        while json.loads(urllib.request.urlopen(url + "/health").read())["pending"] == 0:
            assert time.monotonic() < deadline, "the slow request never reached the pipeline"
            time.sleep(0.01)
        status, body, headers = post(url + "/extract", json.dumps({"text": PARAGRAPHS[1]}).encode())
        assert status == 503 and "waiting" in json.loads(body)["error"] and headers["Retry-After"] == "1"
        sender.join()
        assert slow == [200]
        assert post(url + "/extract", json.dumps({"text": PARAGRAPHS[1]}).encode())[0] == 200


def post(url, body):
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, answer.read(), answer.headers
    except urllib.error.HTTPError as err:
        return err.code, err.read(), err.headers


@Language.component("fails_on_故障")
def fails_on_trouble(doc):
    if "故障" in doc.text:
        raise RuntimeError("a component failed")
    return doc


def test_a_failing_pipeline_gives_500_json_and_the_server_goes_on():
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "zh_metrics.CharTokenizer.v1"}}})
    nlp.add_pipe("fails_on_故障")
    with TestClient(create_app(nlp), raise_server_exceptions=False) as client:
        answer = client.post("/extract", json={"text": "系统故障"})
        assert answer.status_code == 500 and answer.json() == {"error": "internal error: RuntimeError"}
        assert client.post("/extract", json={"text": "系统正常"}).status_code == 200


def test_requests_processed_together_get_their_own_answers_and_errors():
    """Requests that wait together go through the pipeline in one batch; each still gets its
    own answer, and the one the pipeline fails on fails alone."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "zh_metrics.CharTokenizer.v1"}}})
    nlp.add_pipe("fails_on_故障")
    worker = Worker(nlp, timeout=30, max_pending=8)
    entered, gate = threading.Event(), threading.Event()

    def blocked():
        entered.set()
        gate.wait()
        return text_documents("第一篇")

    async def main():
        first = asyncio.ensure_future(worker.run(blocked, lambda a: a.text))
        await asyncio.to_thread(entered.wait)
        texts = ["第二篇\n\n第二篇续", "系统故障", "第四篇"]
        rest = [asyncio.ensure_future(worker.run(lambda t=t: text_documents(t), lambda a: a.text)) for t in texts]
        while worker.pending < 4:  # all three wait while the worker reads the first
            await asyncio.sleep(0.01)
        gate.set()
        return await asyncio.gather(first, *rest, return_exceptions=True)

    try:
        first, second, failed, fourth = asyncio.run(main())
    finally:
        worker.close()
    assert (first, second, fourth) == ("第一篇", "第二篇\n第二篇续", "第四篇")
    assert isinstance(failed, RuntimeError) and worker.pending == 0


def test_no_file_of_the_machine_is_served(client):
    for path in ("/etc/passwd", "/static/../../etc/passwd", "/..%2f..%2fetc%2fpasswd", "/docs/../pyproject.toml"):
        answer = client.get(path)
        assert answer.status_code == 404 and "root:" not in answer.text and "[project]" not in answer.text


def test_health_and_the_openapi_page(client):
    assert client.get("/health").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/extract"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    assert client.get("/docs").status_code == 200


def shown_text(page):
    """The legend and the text with its entities, links and record marks."""
    return re.search(r'<div class="zhm-legend">.*?</div>.*?<div class="zhm-text".*?</div>', page, re.S).group(0)


def test_the_page_renders_a_linked_result_on_the_server(client):
    plain = client.get("/")
    assert plain.status_code == 200 and "<textarea" in plain.text and 'type="file"' in plain.text
    page = client.get("/", params={"text": REPORT, "date": "2025-07-15"})
    assert page.status_code == 200
    marks = re.findall(r'<mark class="zhm-ent[^"]*" data-label="([A-Z]+)"', page.text)
    assert marks == [label for label, _ in ENTITIES]
    assert page.text.count('<tr class="zhm-record">') == len(RECORDS)
    assert 'value="2025-07-15"' in page.text and "Link to this result" in page.text
    extracted = client.post("/extract", json={"text": REPORT, "date": "2025-07-15"}).json()["records"]
    href = re.search(r'href="data:text/csv;charset=utf-8,([^"]*)"', page.text).group(1)
    assert csv_rows(unquote(href)) == [expected_csv_row(r) for r in extracted]
    posted = client.post("/", files={"file": ("通报.txt", REPORT.encode("utf8"))}, data={"text": ""})
    assert posted.status_code == 200 and posted.text.count('<tr class="zhm-record">') == len(RECORDS)


def test_the_page_shows_what_is_wrong(client):
    answer = client.get("/", params={"text": REPORT, "date": "yesterday"})
    assert answer.status_code == 422 and 'class="zhm-error"' in answer.text and "date:" in answer.text
    empty = client.post("/", data={"text": ""}, files={"file": ("", b"")})
    assert empty.status_code == 422 and "text: missing" in empty.text


def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def expected_csv_row(record):
    """A JSON record as `extract --format csv` writes it: the change's fields flattened."""
    row = {k: v for k, v in record.items() if k != "change"}
    for field in ("value", "unit", "basis", "text"):
        row[f"change_{field}"] = (record["change"] or {}).get(field)
    return {k: "" if v is None else str(v) for k, v in row.items()}


def test_render_spans_escapes_numbers_links_and_marks():
    text = "<b>破获</b>案件202起,上升5%"
    spans = [
        {"start": 18, "end": 20, "label": "RATE", "value": 0.05},
        {"start": 11, "end": 15, "label": "COUNT"},
        {"start": 0, "end": 3, "label": "GOLD_ONLY"},
    ]
    assert [text[s["start"] : s["end"]] for s in spans] == ["5%", "202起", "<b>"]
    out = render_spans(text, spans, [((11, 15), (18, 20))], [(3, 11, "pick")])
    assert "<b>" not in out and "&lt;b&gt;" in out
    assert out.index('data-label="GOLD_ONLY"') < out.index('data-label="COUNT"') < out.index('data-label="RATE"')
    assert "background:#dddddd" in out  # a label of the caller's own is grey
    assert 'title="value 0.05"' in out
    assert "→1</span></mark>" in out and ">1</span></mark>" in out
    assert '<span class="pick">破获&lt;/b&gt;案件</span>' in out
    assert ".zhm-text:has(.zk1:hover) .zk1" in out
    with pytest.raises(ValueError, match="overlap"):
        render_spans(text, [{"start": 0, "end": 5, "label": "ORG"}, {"start": 4, "end": 6, "label": "ORG"}])
    with pytest.raises(ValueError, match="inside"):
        render_spans(text, [{"start": 10, "end": 99, "label": "ORG"}])


def cli(*args):
    return subprocess.run([sys.executable, "-m", "zh_metrics", *args], capture_output=True, text=True)


def test_render_writes_one_self_contained_file_like_the_page(client, ruler_pipeline, tmp_path):
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf8")
    out = tmp_path / "page.html"
    result = cli("render", str(report), "--model", str(ruler_pipeline), "--output", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf8")
    assert not re.search(r"<(?:script|link|img|iframe)\b|\bsrc=|url\(|@import|https?:", page)
    assert page.count('<tr class="zhm-record">') == len(RECORDS)
    served = client.get("/", params={"text": REPORT}).text
    # the same renderer: the same legend and text; the tables differ only in the document's name
    assert shown_text(page) == shown_text(served)


def test_render_refuses_a_bad_file_with_one_line_and_writes_nothing(ruler_pipeline, tmp_path):
    report = tmp_path / "report.txt"
    report.write_bytes(bytes(range(256)) * 4)
    out = tmp_path / "page.html"
    result = cli("render", str(report), "--model", str(ruler_pipeline), "--output", str(out))
    assert result.returncode == 1 and not out.exists()
    assert result.stderr.strip().count("\n") == 0 and f"{report}: binary data, not text" in result.stderr
    assert "Traceback" not in result.stderr


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_binds_127_0_0_1_by_default(ruler_pipeline):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "zh_metrics", "serve", "--model", str(ruler_pipeline), "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
    )
    line = ""
    try:
        for line in process.stderr:
            if "Uvicorn running on" in line:
                break
        assert f"http://127.0.0.1:{port}" in line
        health = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10).read())
        assert health["components"][-1] == "change_linker"
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_two_hundred_requests_from_eight_clients_all_answered(nlp):
    bodies = report_bodies(PARAGRAPHS * 4, per_report=3)
    with in_background(create_app(nlp, max_pending=8)) as url:
        result = load_test(url, bodies, requests=200, clients=8)
    assert result["requests"] == 200 and result["failed"] == 0, result["failures"]
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]


def test_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 0.95) == 19.0 and percentile(values, 0.5) == 10.0 and percentile([3.0], 0.95) == 3.0
