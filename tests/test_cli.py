"""The command line's conventions, and the functions its commands call."""

import json

import pytest
import spacy
import typer
from spacy.tokens import DocBin
from spacy.training import Example

from conftest import invoke, run
from zh_metrics.cli import app
from zh_metrics.corpus.build import author_corpus, convert_file
from zh_metrics.corpus.jsonl import read_jsonl_lines
from zh_metrics.corpus.tasks import CorpusError, InputErrors, make_span, make_task, task_to_doc
from zh_metrics.files import write_jsonl_atomic
from zh_metrics.measure.evaluate import evaluate_files, score_file

GOLD = [
    make_task(
        "松川市公安局破获案件202起,环比上升132.18%。",
        [make_span(0, 6, "ORG"), make_span(10, 14, "COUNT"), make_span(19, 26, "RATE")],
        [((10, 14), (19, 26))],
    ),
    # the ruler finds every span but 青禾县公安局 (a missed ORG)
    make_task(
        "青禾县公安局抓获176人,冻结资金3.2亿元。",
        [make_span(0, 6, "ORG"), make_span(8, 12, "COUNT"), make_span(17, 22, "MONEY")],
    ),
]


@pytest.fixture
def gold_file(tmp_path):
    path = tmp_path / "gold.jsonl"
    write_jsonl_atomic(path, GOLD)
    return path


@pytest.fixture
def texts_file(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        "".join(
            json.dumps({"text": t["text"], "meta": {"id": i}}, ensure_ascii=False) + "\n" for i, t in enumerate(GOLD)
        ),
        encoding="utf8",
    )
    return path


def test_every_command_follows_the_conventions():
    """The pipeline is --model/-m, a file written is --output/-o, a folder --output-dir."""
    group = typer.main.get_command(app)
    with_model = []
    for name, command in group.commands.items():
        for param in command.params:
            if param.name == "model":
                with_model.append(name)
                assert set(param.opts) == {"--model", "-m"} or name == "extract", name
            if param.name == "output" and param.param_type_name == "option":
                assert set(param.opts) == {"--output", "-o"}, name
            if param.name == "output_dir":
                assert param.opts == ["--output-dir"], name
            assert "--out" not in param.opts, name
    assert sorted(with_model) == [
        "benchmark",
        "benchmark-dask",
        "evaluate",
        "evaluate-records",
        "extract",
        "predict",
        "render",
        "report",
        "select",
        "serve",
    ]


def test_predict_in_the_older_form_as_other_teams_call_it(ruler_pipeline, texts_file, tmp_path):
    """`python -m zh_metrics predict MODEL IN OUT` in a fresh process writes what the
    `--model` form writes."""
    older, newer = tmp_path / "older.jsonl", tmp_path / "newer.jsonl"
    result = run("-m", "zh_metrics", "predict", str(ruler_pipeline), str(texts_file), str(older))
    assert result.stdout == f"{older}: 2 tasks, 5 spans, 1 relations\n"
    assert invoke("predict", "-m", str(ruler_pipeline), str(texts_file), str(newer)).exit_code == 0
    assert older.read_bytes() == newer.read_bytes()
    first = [task for _, task in read_jsonl_lines(older)][0]
    assert [first["text"][s["start"] : s["end"]] for s in first["spans"]] == ["松川市公安局", "202起", "132.18%"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["-m", "M", "P", "IN", "OUT"], "predict: the pipeline is either --model or the first of three arguments"),
        (["IN"], "predict: expected IN.jsonl OUT.jsonl (or MODEL IN.jsonl OUT.jsonl), got 1 path(s)"),
        (["M", "A", "IN", "OUT"], "got 4 path(s)"),
    ],
)
def test_predict_arguments_that_do_not_fit(args, message):
    result = invoke("predict", *args)
    assert result.exit_code == 2 and message in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    "command",
    [
        ["predict", "{texts}", "{out}"],
        ["select", "{raw}", "-o", "{out}"],
        ["evaluate", "{gold}"],
        ["report", "{gold}", "--output-dir", "{out}"],
        ["benchmark", "--texts", "{gold}", "--stream-docs", "0"],
    ],
)
def test_every_model_command_names_a_missing_pipeline_in_one_line(command, tmp_path, gold_file, texts_file):
    raw = tmp_path / "raw.txt"
    raw.write_text("松川市破获案件202起。\n", encoding="utf8")
    out = tmp_path / "out"
    args = [a.format(texts=texts_file, out=out, raw=raw, gold=gold_file) for a in command]
    result = invoke(*args, "-m", str(tmp_path / "nothing"))
    assert result.exit_code == 1 and result.stdout == "" and not out.exists()
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"no trained pipeline at {tmp_path / 'nothing'}: run `spacy project run all`")


def test_a_pipeline_among_the_gold_files_says_where_it_goes(ruler_pipeline, gold_file):
    result = invoke("evaluate", str(ruler_pipeline), str(gold_file))
    assert result.exit_code == 2
    assert (
        result.stderr == f"{ruler_pipeline}: a trained pipeline, not a gold file; give it as --model {ruler_pipeline}\n"
    )


def test_progress_bar_on_a_terminal_and_not_in_a_pipe(ruler_pipeline, texts_file, tmp_path):
    out = tmp_path / "out.jsonl"
    shown = run("-m", "zh_metrics", "predict", "-m", str(ruler_pipeline), str(texts_file), str(out), terminal=True)
    assert "predict: 100%" in shown.stderr and "2/2" in shown.stderr
    assert shown.stdout == f"{out}: 2 tasks, 5 spans, 1 relations\n"
    quiet = invoke("predict", "-m", str(ruler_pipeline), str(texts_file), str(out))
    assert quiet.stderr == ""


# ---------------------------------------------------------------------------
# The functions behind the commands


def test_convert_writes_a_docbin_with_the_gold_entities(gold_file, tmp_path):
    out = tmp_path / "gold.spacy"
    assert convert_file(gold_file, out) == 2
    nlp = spacy.blank("zh")
    docs = list(DocBin().from_disk(out).get_docs(nlp.vocab))
    assert [[(e.text, e.label_) for e in doc.ents] for doc in docs] == [
        [("松川市公安局", "ORG"), ("202起", "COUNT"), ("132.18%", "RATE")],
        [("青禾县公安局", "ORG"), ("176人", "COUNT"), ("3.2亿元", "MONEY")],
    ]
    assert [list(r) for r in docs[0]._.relations] == [[10, 14, 19, 26]]


def test_convert_names_the_bad_line_and_writes_nothing(gold_file, tmp_path):
    with gold_file.open("a", encoding="utf8") as fh:
        fh.write(json.dumps(make_task("抓获3人。", [make_span(2, 4, "COUNT")]), ensure_ascii=False) + "\n")
        fh.write('{"text": "好", "spans": [{"start": 0}]}\n')
    out = tmp_path / "gold.spacy"
    with pytest.raises(CorpusError) as caught:
        convert_file(gold_file, out)
    assert (caught.value.line, caught.value.field) == (4, "spans") and not out.exists()
    result = invoke("convert", str(gold_file), str(out))
    assert result.exit_code == 1 and result.stderr.startswith(f"{gold_file}:4: spans: ") and not out.exists()


MARKUP = """## doc sc-001 anti-fraud
[松川市公安局](ORG)破获案件[202起](COUNT#a),环比上升[32.1%](RATE>a)。
## doc qh-002 court
[青禾县法院](ORG)审结案件[88件](COUNT)。
"""


def test_author_splits_by_document_and_keeps_imported_tasks(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "batch.txt").write_text(MARKUP, encoding="utf8")
    train, dev = tmp_path / "train.jsonl", tmp_path / "dev.jsonl"
    imported = make_task("抓获3人。", [make_span(2, 4, "COUNT")], meta={"source": "import", "doc": "r-1"})
    write_jsonl_atomic(dev, [imported])
    written = author_corpus(src, train, dev, dev_percent=0)
    assert [str(w) for w in written] == [
        f"{train}: 2 tasks (2 from markup, 0 kept)",
        f"{dev}: 1 tasks (0 from markup, 1 kept)",
    ]
    assert [t["text"] for _, t in read_jsonl_lines(train)] == [
        "松川市公安局破获案件202起,环比上升32.1%。",
        "青禾县法院审结案件88件。",
    ]
    author_corpus(src, train, dev, dev_percent=100)
    assert [t["meta"]["doc"] for _, t in read_jsonl_lines(dev)] == ["sc-001", "qh-002", "r-1"]
    assert [t for _, t in read_jsonl_lines(train)] == []


def test_author_writes_neither_file_when_one_cannot_be_kept(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "batch.txt").write_text(MARKUP, encoding="utf8")
    train, dev = tmp_path / "train.jsonl", tmp_path / "dev.jsonl"
    dev.write_text("{broken\n", encoding="utf8")
    result = invoke("author", str(src), "--train", str(train), "--dev", str(dev))
    assert result.exit_code == 1 and not train.exists() and dev.read_text(encoding="utf8") == "{broken\n"
    assert result.stderr.startswith(f"{dev}:1: json: invalid JSON") and "nothing written" in result.stderr
    (src / "batch.txt").write_text(MARKUP + "[青禾县](PLACE)\n", encoding="utf8")
    with pytest.raises(InputErrors) as caught:
        author_corpus(src, train, dev)
    assert caught.value.problems[0].startswith(f"{src / 'batch.txt'}:5: label: unknown label 'PLACE'")


def test_score_file_is_what_spacy_evaluate_computes(ruler_pipeline, gold_file):
    nlp = spacy.load(ruler_pipeline)
    scores = score_file(nlp, gold_file)
    expected = nlp.evaluate([Example(nlp.make_doc(t["text"]), task_to_doc(nlp.vocab, t)) for t in GOLD])
    assert scores["ents_per_type"]["COUNT"] == expected["ents_per_type"]["COUNT"]
    assert (scores["ents_p"], scores["ents_r"], scores["ents_f"]) == (
        expected["ents_p"],
        expected["ents_r"],
        expected["ents_f"],
    )
    # by hand: 5 of 6 gold spans found, nothing spurious; the one link found
    assert (scores["ents_p"], scores["ents_r"]) == (1.0, pytest.approx(5 / 6))
    assert scores["rel_micro_f"] == expected["rel_micro_f"] == 1.0


def test_evaluate_skips_missing_extra_files_and_saves_scores(ruler_pipeline, gold_file, tmp_path):
    nlp = spacy.load(ruler_pipeline)
    missing = tmp_path / "data" / "dev.jsonl"
    results = evaluate_files(nlp, [gold_file], [missing], tmp_path / "metrics")
    assert list(results) == [gold_file, missing] and results[missing] is None
    saved = json.loads((tmp_path / "metrics" / "gold.json").read_text(encoding="utf8"))
    assert saved["documents"] == 2 and saved["ents_per_type"]["ORG"]["r"] == 0.5
    with pytest.raises(CorpusError):
        evaluate_files(nlp, [missing])
    result = invoke("evaluate", str(gold_file), "-m", str(ruler_pipeline), "--also", str(missing))
    assert result.exit_code == 0 and result.stdout.endswith(f"{missing}: not found, skipped\n")


def test_report_command_writes_the_report(ruler_pipeline, gold_file, tmp_path):
    out = tmp_path / "report"
    result = invoke("report", str(gold_file), "-m", str(ruler_pipeline), "--output-dir", str(out))
    assert result.exit_code == 0 and result.stdout.endswith(f"{out / 'report.md'} and report.html written\n")
    text = (out / "report.md").read_text(encoding="utf8")
    assert f"Pipeline `{ruler_pipeline}`" in text and (out / "report.html").exists()


def test_check_normaliser_lists_disagreements_then_agreement(tmp_path):
    gold = tmp_path / "values.jsonl"
    task = make_task(
        "破获案件202起,冻结资金3.2亿元。",
        [make_span(4, 8, "COUNT", value=202, unit="起"), make_span(13, 18, "MONEY", value=32_000_000, unit="元")],
    )
    write_jsonl_atomic(gold, [task])
    result = invoke("check-normaliser", str(gold))
    assert result.exit_code == 0
    disagreement, summary = result.stdout.splitlines()
    assert disagreement.startswith(f"{gold}:1: MONEY [3.2亿元] gold 32000000 '元', normaliser 320000000")
    assert summary == f"{gold}: value and unit agree on 1/2 figure spans (50.00%)"
    missing = invoke("check-normaliser", str(tmp_path / "none.jsonl"))
    assert missing.exit_code == 1 and missing.stderr.startswith(f"{tmp_path / 'none.jsonl'}:0: file: ")
