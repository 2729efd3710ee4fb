"""A tiny end-to-end training run: a slice of the corpus, a few steps, a fresh process loads it."""

import json

from conftest import invoke, run, train


def test_tiny_training_run_loads_in_a_fresh_process(tiny_corpus, tiny_model):
    model = tiny_model
    code = (
        "import spacy, sys; nlp = spacy.load(sys.argv[1]); doc = nlp('破获案件202起,同比上升13.2%。');"
        "print(nlp.pipe_names, [t.text for t in doc][4:6], doc.tensor.size)"
    )
    result = run("-c", code, str(model), cwd=tiny_corpus)
    assert (
        result.stdout.strip()
        == "['tok2vec', 'ner', 'release_tensor', 'name_edges', 'known_bodies', 'entity_shape', 'level_or_change', 'figure_normaliser', 'change_linker'] ['202', '起'] 0"
    )
    scores = invoke("evaluate", str(tiny_corpus / "dev.jsonl"), "-m", str(model))
    assert "micro" in scores.stdout and "COUNT" in scores.stdout and "HAS_CHANGE" in scores.stdout
    linker_state = (model / "change_linker" / "model.json").read_text(encoding="utf8")
    assert linker_state.startswith("{") and '"weights"' in linker_state


SEGMENTED = [
    "破获 电信 网络 诈骗 案件 202 起 , 环比 上升 132.18% 。",
    "抓获 犯罪 嫌疑人 176 人 , 同比 下降 3.1% 。",
    "市 公安局 召开 新闻 发布会 , 通报 工作 成效 。",
    "冻结 涉案 资金 2.03亿 元 , 返还 群众 949.11万 元 。",
    "全市 共 开展 宣讲 活动 1300余 场次 。",
    "海关 查获 走私 冻品 12 批次 , 案值 3000余万 元 。",
]


def test_pkuseg_config_trains_with_a_user_supplied_model(tiny_corpus):
    folder = tiny_corpus / "pkuseg"
    folder.mkdir()
    (folder / "seg.txt").write_text("\n".join(SEGMENTED * 5) + "\n", encoding="utf8")
    code = (
        "import spacy_pkuseg, sys; d = sys.argv[1];"
        "spacy_pkuseg.train(d + '/seg.txt', d + '/seg.txt', d + '/model', train_iter=2)"
    )
    run("-c", code, str(folder))
    assert (folder / "model" / "weights.npz").exists()
    model = train("configs/ner_pkuseg.cfg", tiny_corpus, "--paths.pkuseg_model", str(folder / "model"))
    code = "import spacy, sys; nlp = spacy.load(sys.argv[1]); print([t.text for t in nlp('市公安局破获案件202起')])"
    result = run("-c", code, str(model), cwd=tiny_corpus)
    assert "'公安局'" in result.stdout


def test_training_is_reproducible_for_a_seed(tiny_corpus):
    first = train("configs/ner.cfg", tiny_corpus, "--system.seed", "7", name="seed7-a")
    second = train("configs/ner.cfg", tiny_corpus, "--system.seed", "7", name="seed7-b")
    for part in ("ner/model", "tok2vec/model", "change_linker/model.json"):
        assert (first / part).read_bytes() == (second / part).read_bytes(), part


def test_transition_config_trains_and_gives_beam_margins(tiny_corpus):
    """The accurate comparison config (spaCy's transition NER) still trains, loads and feeds
    `select`, whose uncertainty comes from the beam there and from tag scores in the default."""
    model = train("configs/ner_transition.cfg", tiny_corpus)
    code = (
        "import spacy, sys; from zh_metrics.corpus.annotate import ner_margins;"
        "nlp = spacy.load(sys.argv[1]); docs = [nlp.get_pipe('tok2vec')(nlp.make_doc(t)) for t in ('破获案件202起', '市公安局')];"
        "print(type(nlp.get_pipe('ner')).__name__, all(m >= 0 for m in ner_margins(nlp, docs)))"
    )
    assert run("-c", code, str(model), cwd=tiny_corpus).stdout.split() == ["EntityRecognizer", "True"]


def test_trained_pipeline_runs_in_spawned_workers(tiny_model, tiny_corpus):
    """nlp.pipe(n_process=2) pickles the pipeline where workers are spawned (macOS, Windows)."""
    code = (
        "import multiprocessing as mp, sys\n"
        "if __name__ == '__main__':\n"
        "    mp.set_start_method('spawn')\n"
        "    import spacy\n"
        "    nlp = spacy.load(sys.argv[1])\n"
        "    texts = ['破获案件202起,同比上升13.2%。'] * 12\n"
        "    docs = list(nlp.pipe(texts, n_process=2, batch_size=3))\n"
        "    print(len(docs), [t.text for t in docs[-1]][4:6])\n"
    )
    result = run("-c", code, str(tiny_model), cwd=tiny_corpus)
    assert result.stdout.strip().splitlines()[-1] == "12 ['202', '起']"


def test_packaged_pipeline_installs_and_loads_by_name(tiny_model, tmp_path):
    """spacy package builds an sdist that requires zh-metrics; installed, it loads by name."""
    run(
        "-m",
        "spacy",
        "package",
        str(tiny_model),
        str(tmp_path),
        "--name",
        "tiny",
        "--version",
        "0.0.1",
        "--build",
        "sdist",
    )
    (sdist,) = tmp_path.glob("zh_tiny-0.0.1/dist/zh_tiny-0.0.1.tar.gz")
    meta = json.loads((tmp_path / "zh_tiny-0.0.1" / "meta.json").read_text(encoding="utf8"))
    assert any(r.startswith("zh-metrics") for r in meta["requirements"])
    target = tmp_path / "site"
    run("-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(sdist))
    code = "import sys; sys.path.insert(0, sys.argv[1]); import spacy; nlp = spacy.load('zh_tiny'); print(nlp.pipe_names[-1])"
    assert run("-c", code, str(target), cwd=tmp_path).stdout.strip() == "change_linker"
