from pathlib import Path

import pytest

from zh_metrics.corpus import read_jsonl_lines

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_tasks() -> list[dict]:
    """The committed training corpus: tests never read ../shared."""
    return [task for _, task in read_jsonl_lines(CORPUS / "train.jsonl")]
