"""Component contracts: what each component declares, how it saves, how a broken or missing
pipeline is reported, what loading a pipeline imports, and the mode of written files."""

import json
import os
import shutil

import pytest
import spacy
from spacy.training import Example

import zh_metrics
from conftest import invoke, run
from zh_metrics.corpus.tasks import task_to_doc
from zh_metrics.files import write_atomic
from zh_metrics.pipeline.link import ChangeLinker
from zh_metrics.pipeline.tokenizer import CharTokenizer

CUSTOM = (
    "release_tensor",
    "name_edges",
    "known_bodies",
    "entity_shape",
    "level_or_change",
    "figure_normaliser",
    "change_linker",
)


def test_every_component_declares_what_it_needs_and_sets(tiny_model):
    nlp = spacy.load(tiny_model)
    analysis = nlp.analyze_pipes(pretty=False)
    assert not any(analysis["problems"].values()), analysis["problems"]
    summary = analysis["summary"]
    for name in (*CUSTOM, "ner"):
        assert summary[name]["assigns"], name
    for name in CUSTOM:
        assert summary[name]["requires"], name
    assert "doc._.relations" in summary["change_linker"]["assigns"]
    assert "span._.value" in summary["figure_normaliser"]["assigns"]
    assert "span._.value" in summary["change_linker"]["requires"]


def test_the_relation_scorer_is_named_in_the_config(tiny_model):
    nlp = spacy.load(tiny_model)
    assert nlp.config["components"]["change_linker"]["scorer"] == {"@scorers": "zh_metrics.relation_scorer.v1"}


def fit_linker(corpus_tasks, normaliser_name, linker_normaliser):
    nlp = spacy.blank("zh")
    nlp.add_pipe("figure_normaliser", name=normaliser_name)
    linker = nlp.add_pipe("change_linker", config={"normaliser": linker_normaliser})
    tasks = corpus_tasks[:300]
    linker.initialize(lambda: [Example(task_to_doc(nlp.vocab, t), task_to_doc(nlp.vocab, t)) for t in tasks], nlp=nlp)
    return linker


def test_the_linker_fits_on_the_values_of_the_normaliser_its_config_names(corpus_tasks):
    # `same_unit` is only ever on when the gold figures carry the normaliser's units
    named = fit_linker(corpus_tasks, "values", "values")
    assert named.weights.get("same_unit", 0.0) != 0.0
    without = fit_linker(corpus_tasks, "values", None)
    assert without.weights.get("same_unit", 0.0) == 0.0


def test_to_disk_and_from_disk_honour_exclude(ruler_pipeline, tmp_path):
    linker = ChangeLinker().from_disk(ruler_pipeline / "change_linker")
    assert linker.weights
    linker.to_disk(tmp_path / "linker", exclude=["model"])
    assert not (tmp_path / "linker" / "model.json").exists()
    untouched = ChangeLinker().from_disk(ruler_pipeline / "change_linker", exclude=["model"])
    assert untouched.weights is None

    nlp = spacy.blank("zh")
    tokenizer = CharTokenizer(nlp.vocab, keep_runs=True)
    plain = CharTokenizer(nlp.vocab).from_bytes(tokenizer.to_bytes(), exclude=["keep_runs"])
    assert plain.keep_runs is False
    assert CharTokenizer(nlp.vocab).from_bytes(tokenizer.to_bytes()).keep_runs is True


def broken_copy(ruler_pipeline, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(ruler_pipeline, broken)
    (broken / "change_linker" / "model.json").write_text('{"features": [', encoding="utf8")
    return broken


def test_a_broken_pipeline_is_one_line_naming_the_file(ruler_pipeline, tmp_path):
    broken = broken_copy(ruler_pipeline, tmp_path)
    with pytest.raises(zh_metrics.PipelineError, match=r"change_linker/model\.json: not a change-linker model"):
        zh_metrics.load(broken)
    (tmp_path / "report.txt").write_text("破获案件202起。", encoding="utf8")
    result = invoke("extract", str(tmp_path / "report.txt"), "--model", str(broken))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "model.json" in lines[0]


def test_loading_a_pipeline_imports_no_build_tools(tiny_model):
    """scikit-learn fits the linker, matplotlib draws the report, pandas makes data frames:
    none is needed to run the pipeline. (typer comes with spaCy's own import.)"""
    code = (
        "import sys, spacy\n"
        "before = set(sys.modules)\n"
        f"nlp = spacy.load({str(tiny_model)!r})\n"
        "nlp('破获案件202起,同比上升12%')\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "print(sorted(new & {'sklearn', 'scipy', 'matplotlib', 'pandas', 'typer'}))\n"
    )
    assert run("-c", code).stdout.strip() == "[]"


def test_written_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.json", json.dumps({"a": 1}))
        assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o644
        os.umask(0o077)
        write_atomic(tmp_path / "b.json", "{}")
        assert (tmp_path / "b.json").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)
