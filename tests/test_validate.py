import json

import pytest

from conftest import invoke
from zh_metrics.corpus.markup import read_markup
from zh_metrics.corpus.tasks import make_span, make_task
from zh_metrics.corpus.validate import check_task, lint_task, validate_files


def good_task(text="破获案件202起,同比上升13.2%。", doc="d-1"):
    count, rate = text.index("202起"), text.index("13.2%")
    spans = [make_span(count, count + 4, "COUNT"), make_span(rate, rate + 5, "RATE")]
    return make_task(text, spans, [((count, count + 4), (rate, rate + 5))], {"doc": doc})


def write(path, lines):
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines),
        encoding="utf8",
    )
    return path


def errors_of(task):
    return [(p.field, p.message) for p in check_task(task, "f.jsonl", 3)]


def test_good_task_has_no_problem():
    assert errors_of(good_task()) == []
    assert lint_task(good_task(), "f.jsonl", 3) == []


def test_missing_text():
    assert errors_of({"spans": []})[0][0] == "text"
    assert errors_of({"text": "  "})[0][0] == "text"


def test_offsets_outside_text():
    task = good_task()
    task["spans"][0]["end"] = 99
    assert any("outside the text" in m for _, m in errors_of(task))


def test_offsets_not_on_token_boundaries():
    task = good_task()
    task["tokens"] = [{"text": task["text"][:6], "start": 0, "end": 6}] + task["tokens"][6:]
    task["spans"][0].update(start=5, token_start=5)
    task["relations"] = []
    assert any("token boundaries" in m for _, m in errors_of(task))


def test_overlapping_spans():
    task = good_task()
    task["spans"].append(make_span(5, 8, "COUNT"))
    assert any("overlap" in m for _, m in errors_of(task))


def test_unknown_label():
    task = good_task()
    task["spans"][0]["label"] = "NUMBER"
    assert (
        "spans[0].label",
        "unknown label 'NUMBER'; use one of ORG, CAMPAIGN, MONEY, COUNT, PERCENT, RATE",
    ) in errors_of(task)


def test_relation_end_that_is_not_a_span():
    task = good_task()
    task["relations"][0]["head_span"]["start"] = 0
    assert ("relations[0].head_span", "does not match any span of the task") in errors_of(task)


def test_relation_with_wrong_labels():
    task = good_task()
    task["spans"][0]["label"] = "ORG"
    assert ("relations[0].head_span", "is ORG, must be COUNT or MONEY or PERCENT") in errors_of(task)
    task = good_task()
    task["relations"][0]["label"] = "CHANGED"
    assert errors_of(task)[0][0] == "relations[0].label"


def test_relation_head_index_must_be_last_token():
    task = good_task()
    task["relations"][0]["head"] = 0
    assert errors_of(task) == [("relations[0].head", "is not the last token of its span")]


def test_invalid_json_and_file_level_errors(tmp_path):
    path = write(tmp_path / "train.jsonl", [good_task(), "{broken", {"text": ""}])
    problems = [str(p) for p in validate_files([path])]
    assert problems[0].startswith(f"{path}:2: json: invalid JSON")
    assert problems[1] == f"{path}:3: text: missing or empty text"


def test_same_text_twice_and_in_train_and_dev(tmp_path):
    train = write(tmp_path / "train.jsonl", [good_task(doc="a"), good_task(doc="a")])
    dev = write(tmp_path / "dev.jsonl", [good_task(doc="b")])
    messages = [p.message for p in validate_files([train, dev])]
    assert any("stands twice" in m for m in messages)
    assert any("stands in train and dev" in m for m in messages)


def test_document_split_between_train_and_dev(tmp_path):
    train = write(tmp_path / "train.jsonl", [good_task(doc="a")])
    dev = write(tmp_path / "dev.jsonl", [good_task("破获案件202起,同比上升13.2%;另有其他。", doc="a")])
    problems = validate_files([train, dev])
    assert [(p.line, p.field) for p in problems] == [(1, "meta.doc")]


def test_markup_errors_are_all_reported(tmp_path):
    path = tmp_path / "b.txt"
    path.write_text("## doc d-1 court\n[x](COUTN)\n好的[3起](COUNT)。\n上升[3%](RATE>z)\n", encoding="utf8")
    problems = validate_files([path])
    assert [(p.line, p.field) for p in problems] == [(2, "label"), (4, "relations")]
    assert len(list(read_markup(path, on_error=lambda e: None))) == 1


@pytest.mark.parametrize(
    "markup,expected",
    [
        ("抓获[近2万人](COUNT)。", "starts with a word that stays outside"),
        ("损失[30万元以上](MONEY)。", "ends with a word that stays outside"),
        ("发案数同比下降[3.1%](PERCENT)。", "is not labelled RATE"),
        ("[全市公安机关](ORG)行动起来。", "is a class noun"),
        ("[警方](ORG)提醒。", "is a class noun"),
        ("破获案件[202起](COUNT),同比上升[13%](RATE)。", "has no HAS_CHANGE"),
        ("破获案件202起,抓获[3人](COUNT)。", "looks like a figure but is not labelled"),
        ("[青禾县公安局](ORG)开展青禾县禁毒专项行动。", "[青禾县禁毒专项行动] looks like a campaign name"),
        ("部署打击治理非法集资专项工作。", "[打击治理非法集资专项工作] looks like a campaign name"),
        ("松川市第十二届安全生产宣传周启动。", "[松川市第十二届安全生产宣传周] looks like a campaign"),
        ("[“清溪”](CAMPAIGN)专项行动取得成效。", "专项行动 right after a quoted name joins it"),
        ("检查批次是去年同期的[82.4%](PERCENT)。", "[82.4%] after 检查批次是去年同期的 is not labelled RATE"),
        ("查处案件[900起](COUNT#a),超过上年全年总数的[85%](PERCENT)。", "is not labelled RATE"),
        ("欺诈案件占全省同期总数的[31.5%](RATE)。", "is not labelled PERCENT"),
    ],
)
def test_lint_warnings(tmp_path, markup, expected):
    path = tmp_path / "b.txt"
    path.write_text("## doc d-1 court\n" + markup + "\n", encoding="utf8")
    problems = validate_files([path])
    assert [p.severity for p in problems] == ["warning"]
    assert expected in problems[0].message


def test_lint_leaves_traps_alone(tmp_path):
    path = tmp_path / "b.txt"
    path.write_text(
        "## doc d-1 court\n2023年11月10日,[晋城警方](ORG)抓获一名嫌疑人,第3批名单公布,举报电话96110,年满65岁的老人。\n"
        "化解欠薪隐患[5宗](COUNT),欠薪投诉量同比下降[6.2%](RATE)。\n",
        encoding="utf8",
    )
    assert validate_files([path]) == []


def test_lint_leaves_generic_campaign_words_and_levels_alone(tmp_path):
    path = tmp_path / "b.txt"
    path.write_text(
        "## doc d-1 police\n专项整治开展以来,本次专项行动中,各类专项行动与[“清溪”](CAMPAIGN)“护苗”等专项行动统筹推进。\n"
        "[松川市公安局](ORG)开展一次夜间货车违法集中整治,[“清溪”](CAMPAIGN)禁毒专项行动和三大专项行动同步推进。\n"
        "[青禾县禁毒专项行动](CAMPAIGN)中,查处案件[900起](COUNT#a),超过上年全年总数的[85%](RATE>a),"
        "占全省同期总数的[31.5%](PERCENT)。\n"
        "两类案件[120起](COUNT#a)、[80起](COUNT#b)、[36起](COUNT#c),同比分别上升[1.2倍](RATE>a)、[2.6倍](RATE>b)和[48.5%](RATE>c)。\n",
        encoding="utf8",
    )
    assert [str(p) for p in validate_files([path])] == []


def test_cli_exit_codes_and_strict(tmp_path):
    good = write(tmp_path / "train.jsonl", [good_task()])
    assert invoke("validate", str(good)).exit_code == 0
    warned = tmp_path / "w.txt"
    warned.write_text("## doc d-1 court\n[警方](ORG)提醒。\n", encoding="utf8")
    assert invoke("validate", str(warned)).exit_code == 0
    strict = invoke("validate", "--strict", str(warned))
    assert strict.exit_code == 1 and f"{warned}:2: spans[0]: warning:" in strict.stdout
    bad = write(tmp_path / "dev.jsonl", ["{nope"])
    result = invoke("validate", str(bad))
    assert result.exit_code == 1 and f"{bad}:1: json:" in result.stdout and "Traceback" not in result.stderr


def test_markup_flag_reads_any_suffix(tmp_path):
    path = tmp_path / "batch.markup"
    path.write_text("## doc d-1 court\n审结案件[3件](COUNT)。\n", encoding="utf8")
    assert invoke("validate", "--markup", str(path)).exit_code == 0
    assert invoke("validate", str(path)).exit_code == 1
