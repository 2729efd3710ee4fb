"""From what the team writes to what spaCy trains on: markup → canonical JSONL split by
document (`author`), canonical JSONL → DocBin (`convert`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..files import write_atomic, write_jsonl_atomic
from ..progress import progress
from .jsonl import read_jsonl_lines, read_tasks
from .tasks import CorpusError, InputErrors, doc_id, is_dev_document, task_to_doc


@dataclass(frozen=True)
class Authored:
    """One canonical file (re)written by `author_corpus`."""

    path: Path
    from_markup: int
    kept: int

    def __str__(self) -> str:
        return f"{self.path}: {self.from_markup + self.kept} tasks ({self.from_markup} from markup, {self.kept} kept)"


def author_corpus(src: Path, train: Path, dev: Path, dev_percent: int = 15) -> list[Authored]:
    """Convert the markup files `src/*.txt` into the canonical train and dev JSONL, whole
    documents to dev by a stable hash (`dev_percent` of them). Tasks already in those files
    that did not come from markup (imported reviews) are kept. Markup with errors, or a
    canonical file that cannot be read, raises before either file is written."""
    from .validate import validate_files

    files = sorted(src.glob("*.txt"))
    if not files:
        raise CorpusError(str(src), 0, "file", "no markup files (*.txt)")
    errors = [p for p in validate_files(files, lint=False) if p.severity == "error"]
    if errors:
        raise InputErrors(errors, src)
    parts: dict[Path, list[dict[str, Any]]] = {train: [], dev: []}
    for path in files:
        for _, task in read_tasks(path):
            parts[dev if is_dev_document(doc_id(task), dev_percent) else train].append(task)
    kept = {path: _tasks_not_from_markup(path) for path in parts}
    for path, tasks in parts.items():
        write_jsonl_atomic(path, tasks + kept[path])
    return [Authored(path, len(tasks), len(kept[path])) for path, tasks in parts.items()]


def _tasks_not_from_markup(path: Path) -> list[dict[str, Any]]:
    """The tasks of a canonical file that `author` did not make (imported reviews)."""
    if not path.exists():
        return []
    kept = []
    try:
        for line, task in read_jsonl_lines(path):
            if not isinstance(task, dict):
                raise CorpusError(str(path), line, "task", "not a JSON object")
            if not str((task.get("meta") or {}).get("source", "")).startswith("markup:"):
                kept.append(task)
    except CorpusError as error:
        message = f"{error.message}; fix or remove it first, nothing written"
        raise CorpusError(error.path, error.line, error.field, message) from None
    return kept


def convert_file(input_path: Path, output_path: Path) -> int:
    """Canonical JSONL tasks to a spaCy DocBin for training and evaluation, one token per
    character (written atomically); returns the number of documents."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "zh_metrics.CharTokenizer.v1"}}})
    db = DocBin(store_user_data=True)
    for line, task in progress(read_jsonl_lines(input_path), desc=f"convert {input_path.name}", unit="task"):
        try:
            db.add(task_to_doc(nlp.vocab, task))
        except (KeyError, TypeError, ValueError) as err:
            message = f"{err}; run `python -m zh_metrics validate` first"
            raise CorpusError(str(input_path), line, "spans", message) from None
    write_atomic(output_path, db.to_bytes())
    return len(db)
