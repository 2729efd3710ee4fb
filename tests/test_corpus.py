import pytest
import spacy

from conftest import char_nlp
from zh_metrics.corpus.jsonl import read_jsonl_lines
from zh_metrics.corpus.markup import parse_markup_line, read_markup, to_markup
from zh_metrics.corpus.tasks import (
    CorpusError,
    char_tokens,
    doc_to_task,
    is_dev_document,
    make_span,
    make_task,
    task_to_doc,
)
from zh_metrics.files import write_atomic, write_jsonl_atomic

LINE = "[晋城市公安局](ORG)开展[“断卡”行动](CAMPAIGN),破获案件[202起](COUNT#a),同比上升[32.1%](RATE>a),环比下降[5%](RATE>a)。"


def test_markup_line_gives_offsets_and_relations():
    text, spans, relations = parse_markup_line(LINE, "x.txt", 1)
    assert text == "晋城市公安局开展“断卡”行动,破获案件202起,同比上升32.1%,环比下降5%。"
    assert [(text[s["start"] : s["end"]], s["label"]) for s in spans] == [
        ("晋城市公安局", "ORG"),
        ("“断卡”行动", "CAMPAIGN"),
        ("202起", "COUNT"),
        ("32.1%", "RATE"),
        ("5%", "RATE"),
    ]
    count = text.index("202起")
    assert relations == [
        ((count, count + 4), (text.index("32.1%"), text.index("32.1%") + 5)),
        ((count, count + 4), (text.index("5%"), text.index("5%") + 2)),
    ]


def test_markup_line_break_escape():
    text, spans, _ = parse_markup_line(r"标题\n来源: [太行日报](ORG)", "x.txt", 1)
    assert text == "标题\n来源: 太行日报"
    assert text[spans[0]["start"] : spans[0]["end"]] == "太行日报"


@pytest.mark.parametrize(
    "line,field",
    [
        ("[x](COUTN)", "label"),
        ("破获[3起](COUNT#a)[4起](COUNT#a)", "markup"),
        ("上升[3%](RATE>b)", "relations"),
        ("破获[3起](COUNT 未闭合", "markup"),
    ],
)
def test_markup_errors_name_the_field(line, field):
    with pytest.raises(CorpusError) as info:
        parse_markup_line(line, "batch.txt", 7)
    assert (info.value.path, info.value.line, info.value.field) == ("batch.txt", 7, field)


def test_read_markup_assigns_documents(tmp_path):
    path = tmp_path / "b.txt"
    path.write_text(
        "# comment\n## doc d-1 anti-fraud 标题\n"
        + LINE
        + "\n\n第二段没有数字。\n## doc d-2 court\n结案[3件](COUNT)。\n",
        encoding="utf8",
    )
    tasks = [task for _, task in read_markup(path)]
    assert [t["meta"]["doc"] for t in tasks] == ["d-1", "d-1", "d-2"]
    assert [t["meta"]["id"] for t in tasks] == ["d-1-p01", "d-1-p02", "d-2-p01"]
    assert tasks[0]["meta"]["domain"] == "anti-fraud" and tasks[0]["meta"]["title"] == "标题"


def test_task_tokens_and_relations_are_prodigy_shaped():
    text, spans, relations = parse_markup_line(LINE, "x.txt", 1)
    task = make_task(text, spans, relations)
    assert task["tokens"] == char_tokens(text)
    rel = task["relations"][0]
    assert rel["head"] == rel["head_span"]["token_end"] == rel["head_span"]["end"] - 1
    assert rel["child"] == rel["child_span"]["token_end"]
    assert rel["label"] == "HAS_CHANGE"


def test_markup_round_trip():
    text, spans, relations = parse_markup_line(LINE, "x.txt", 1)
    task = make_task(text, spans, relations)
    again = make_task(*parse_markup_line(to_markup(task), "x.txt", 1))
    assert again == task


def test_jsonl_doc_jsonl_round_trip_is_unchanged(corpus_tasks):
    vocab = spacy.blank("zh").vocab
    assert corpus_tasks, "the committed corpus is empty"
    for task in corpus_tasks[:300]:
        assert doc_to_task(task_to_doc(vocab, task)) == task


def test_doc_uses_pipeline_tokens_when_given():
    nlp = char_nlp()
    task = make_task("冻结资金2.03亿元", [make_span(4, 10, "MONEY")])
    doc = task_to_doc(nlp.vocab, task, tokenizer=nlp.tokenizer)
    assert [t.text for t in doc] == ["冻", "结", "资", "金", "2.03", "亿", "元"]
    assert doc_to_task(doc) == task


def test_dev_split_is_by_document_and_stable():
    docs = [f"b{i}-{j:03d}" for i in range(1, 9) for j in range(1, 30)]
    chosen = [d for d in docs if is_dev_document(d, 15)]
    assert chosen == [d for d in docs if is_dev_document(d, 15)]
    assert 0.05 < len(chosen) / len(docs) < 0.3


def test_invalid_json_line_is_named(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "好"}\n{"text": \n', encoding="utf8")
    with pytest.raises(CorpusError) as info:
        list(read_jsonl_lines(path))
    assert (info.value.line, info.value.field) == (2, "json")


def test_undecodable_file_is_named(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes('{"text": "好"}\n'.encode() + '{"text": "坏"}\n'.encode("gbk"))
    with pytest.raises(CorpusError) as info:
        list(read_jsonl_lines(path))
    assert info.value.field == "file" and "UTF-8" in info.value.message


def test_atomic_write_keeps_old_file_when_writing_fails(tmp_path):
    path = tmp_path / "train.jsonl"
    write_jsonl_atomic(path, [{"text": "旧"}])

    def broken():
        yield {"text": "新"}
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_jsonl_atomic(path, broken())
    assert path.read_text(encoding="utf8") == '{"text":"旧"}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["train.jsonl"]
    write_atomic(path, "x")
    assert path.read_text() == "x"
