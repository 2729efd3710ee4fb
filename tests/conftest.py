import fcntl
import os
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
import spacy
from click.testing import Result
from spacy.language import Language
from spacy.training import Example
from typer.testing import CliRunner

from zh_metrics.cli import app
from zh_metrics.corpus.build import convert_file
from zh_metrics.corpus.jsonl import read_jsonl_lines
from zh_metrics.corpus.tasks import task_to_doc
from zh_metrics.files import write_jsonl_atomic

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

# Entities a rule-based stand-in for the trained NER finds, so pipeline tests are exact.
RULER_PATTERNS = [
    ("ORG", "晋城市公安局"),
    ("ORG", "市公安局"),
    ("ORG", "太行日报"),
    ("ORG", "松川市公安局"),
    ("CAMPAIGN", "“断卡”行动"),
    ("CAMPAIGN", "夏季治安打击整治行动"),
    ("COUNT", "202起"),
    ("COUNT", "176人"),
    ("COUNT", "1,204起"),
    ("COUNT", "3,118人"),
    ("MONEY", "3.2亿元"),
    ("MONEY", "3000余万元"),
    ("RATE", "132.18%"),
    ("RATE", "43.09%"),
    ("RATE", "21.5%"),
    ("RATE", "37.2%"),
    ("RATE", "3.1%"),
    ("PERCENT", "60.72%"),
    # the invented report of tests/fixtures/documents, in simplified and traditional characters
    ("CAMPAIGN", "“清源”行动"),
    ("CAMPAIGN", "“清源”行動"),
    ("COUNT", "318起"),
    ("COUNT", "452人"),
    ("COUNT", "1,275场次"),
    ("COUNT", "1,275場次"),
    ("COUNT", "36万余人"),
    ("COUNT", "36萬餘人"),
    ("MONEY", "1.86亿元"),
    ("MONEY", "1.86億元"),
    ("MONEY", "4200余万元"),
    ("MONEY", "4200餘萬元"),
    ("RATE", "27.4%"),
    ("RATE", "15.6%"),
    ("RATE", "12.3%"),
    ("PERCENT", "64.85%"),
    # figures of the page furniture around it (sidebar, footer): found if they ever leak in
    ("COUNT", "56起"),
    ("RATE", "8.8%"),
    ("MONEY", "930万元"),
    ("COUNT", "50份"),
]


@pytest.fixture(scope="session")
def corpus_tasks() -> list[dict]:
    """The committed training corpus: tests never read ../shared."""
    return [task for _, task in read_jsonl_lines(CORPUS / "train.jsonl")]


def char_nlp() -> Language:
    """A blank pipeline with the project's tokenizer (one token per character, digit runs kept)."""
    return spacy.blank(
        "zh", config={"nlp": {"tokenizer": {"@tokenizers": "zh_metrics.CharTokenizer.v1", "keep_runs": True}}}
    )


def ruler_nlp(patterns: list[tuple[str, str]], corpus_tasks: list[dict]) -> Language:
    """The project's tokenizer, an entity ruler with `patterns` instead of the statistical
    NER, and the real name repairs, normaliser and linker (fitted on the corpus)."""
    nlp = char_nlp()
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": text} for label, text in patterns])
    nlp.add_pipe("name_edges")
    nlp.add_pipe("known_bodies")
    nlp.add_pipe("figure_normaliser")
    linker = nlp.add_pipe("change_linker")
    linker.initialize(
        lambda: [Example(task_to_doc(nlp.vocab, t), task_to_doc(nlp.vocab, t)) for t in corpus_tasks], nlp=nlp
    )
    return nlp


@pytest.fixture(scope="session")
def ruler_pipeline(tmp_path_factory, corpus_tasks) -> Path:
    """A saved rule-based pipeline (`ruler_nlp`), so pipeline tests are exact."""
    path = tmp_path_factory.mktemp("pipeline") / "ruler-model"
    ruler_nlp(RULER_PATTERNS, corpus_tasks).to_disk(path)
    return path


def invoke(*args: str, input: str | None = None) -> Result:
    """The command line in this process, through typer's CliRunner. A command must end through
    its exit code: an exception escaping it (a traceback for the user) fails the test."""
    result = CliRunner().invoke(app, list(args), input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def run(*args: str, cwd: Path = ROOT, terminal: bool = False) -> subprocess.CompletedProcess:
    """`python ARGS` in a fresh process, for what only a new interpreter shows (a command as
    other teams call it, training, spawned workers, an installed package); it must succeed.
    With `terminal` standard error is a pseudo-terminal, as in an interactive shell."""
    command = [sys.executable, *args]
    if terminal:
        result = _run_with_stderr_on_a_terminal(command, cwd)
    else:
        result = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _run_with_stderr_on_a_terminal(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24 rows, 100 columns
    with subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=follower) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: the process has closed its end of the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        stdout = process.communicate()[0]
    os.close(leader)
    return subprocess.CompletedProcess(
        command, process.returncode, stdout.decode("utf8"), b"".join(chunks).decode("utf8", "replace")
    )


def train(config: str, folder: Path, *overrides: str, name: str | None = None) -> Path:
    """A few training steps on the tiny corpus; returns model-last."""
    out = folder / (name or Path(config).stem)
    run(
        "-m",
        "spacy",
        "train",
        str(ROOT / config),
        "--output",
        str(out),
        "--paths.train",
        str(folder / "train.spacy"),
        "--paths.dev",
        str(folder / "dev.spacy"),
        "--training.max_steps",
        "6",
        "--training.eval_frequency",
        "3",
        *overrides,
    )
    return out / "model-last"


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory, corpus_tasks):
    """A 40-task slice of the corpus converted for training, and 10 tasks for dev."""
    folder = tmp_path_factory.mktemp("tiny")
    write_jsonl_atomic(folder / "train.jsonl", corpus_tasks[:40])
    write_jsonl_atomic(folder / "dev.jsonl", corpus_tasks[40:50])
    for part in ("train", "dev"):
        convert_file(folder / f"{part}.jsonl", folder / f"{part}.spacy")
    return folder


@pytest.fixture(scope="session")
def tiny_model(tiny_corpus) -> Path:
    """The project's full pipeline trained for a few steps: real components, weak weights."""
    return train("configs/ner.cfg", tiny_corpus)


def find_chromium() -> str:
    """Debian's headless Chromium (or $CHROMIUM); missing, a test that needs it fails on CI
    (CI=true: scripts/install-test-deps.sh should have installed it) and is skipped elsewhere."""
    names = ("chromium", "chromium-browser", "google-chrome")
    found = os.environ.get("CHROMIUM") or next((shutil.which(n) for n in names if shutil.which(n)), None)
    if found is None:
        message = "no chromium here: apt-get install -y chromium fonts-noto-cjk (scripts/install-test-deps.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def chromium() -> str:
    return find_chromium()


def headless(browser: str, *args: str) -> subprocess.CompletedProcess:
    """One run of the headless browser at a 1280-pixel-wide window (screenshot, DOM dump)."""
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,900"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120)
