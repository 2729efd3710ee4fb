"""The annotation loop: pick the paragraphs the model is least sure of (`select`) or take
given ones (`predict`), pre-annotate them as Prodigy tasks, and import reviewed tasks back
into the corpus (`import`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..documents import read_documents
from ..files import write_jsonl_atomic
from ..pipeline.link import rate_pairs
from ..progress import progress
from ..records import extract_document, parse_date, task_record
from .jsonl import read_jsonl_lines, read_text_tasks
from .tasks import CorpusError, InputErrors, make_span, make_task, prediction_task, set_hashes
from .validate import Problem, check_task

SHINGLE = 8


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    text = "".join(text.split())
    return {text[i : i + size] for i in range(max(1, len(text) - size + 1))}


class NearDuplicates:
    """Finds paragraphs most of whose character 8-grams already stand in the corpus."""

    def __init__(self, texts: Iterable[str], threshold: float = 0.8) -> None:
        self.seen: set[str] = set()
        for text in texts:
            self.seen |= shingles(text)
        self.threshold = threshold

    def __contains__(self, text: str) -> bool:
        grams = shingles(text)
        return bool(grams) and len(grams & self.seen) / len(grams) >= self.threshold

    def add(self, text: str) -> None:
        self.seen |= shingles(text)


def ner_margins(nlp: Language, docs: list[Doc], beam_width: int = 2) -> list[float]:
    """Per doc, how near the NER came to another analysis: small where one different decision
    would change the entities. A tagger NER gives its own (`margins`); for spaCy's transition
    NER it is the gap between the two best beam analyses, per token."""
    ner: Any = nlp.get_pipe("ner")
    if hasattr(ner, "margins"):
        return ner.margins(docs)
    margins = []
    for doc, beam in zip(docs, ner.beam_parse(docs, beam_width=beam_width)):
        scores = sorted(beam.scores, reverse=True)
        gap = scores[0] - scores[1] if len(scores) > 1 else float("inf")
        margins.append(gap / max(1, len(doc)))
    return margins


def link_uncertainty(doc: Doc, nlp: Language) -> float:
    """How close the linker came to the other decision on its least sure rate (0 = a coin toss)."""
    if "change_linker" not in nlp.pipe_names:
        return 1.0
    linker: Any = nlp.get_pipe("change_linker")

    closest = 1.0
    for _, _, rows in rate_pairs(doc, linker.max_back):
        best = float(linker._scores(rows).max())
        closest = min(closest, abs(best - linker.threshold) * 2)
    return closest


def select(
    nlp: Language,
    paragraphs: list[tuple[str, int, str]],
    corpus_texts: Iterable[str],
    n: int,
    batch_size: int = 64,
) -> list[dict[str, Any]]:
    """The `n` paragraphs (source, line, text) the model is least sure of, as Prodigy tasks,
    skipping near-duplicates of the corpus and of each other."""
    seen = NearDuplicates(corpus_texts)
    fresh = []
    for source, line, text in paragraphs:
        if text not in seen:
            seen.add(text)
            fresh.append((source, line, text))
    docs = list(progress(nlp.pipe((text for _, _, text in fresh), batch_size=batch_size), len(fresh), "select"))
    prepared = (
        [nlp.get_pipe("tok2vec")(nlp.make_doc(doc.text)) for doc in docs]
        if "tok2vec" in nlp.pipe_names
        else [nlp.make_doc(d.text) for d in docs]
    )
    margins = ner_margins(nlp, prepared)
    certainties = [link_uncertainty(doc, nlp) for doc in docs]
    ranked = sorted(
        zip(fresh, docs, margins, certainties),
        key=lambda item: (min(item[2], item[3]), item[0][0], item[0][1]),
    )
    return [
        prediction_task(
            doc, {"source": source, "line": line, "ner_margin": round(margin, 4), "link_certainty": round(certainty, 4)}
        )
        for (source, line, _), doc, margin, certainty in ranked[:n]
    ]


def select_file(
    nlp: Language, raw: Iterable[str], output: Path, corpus: Iterable[Path], n: int, batch_size: int = 64
) -> tuple[int, int]:
    """`select` on the paragraphs of the reports `raw` (files of every format zh_metrics.documents
    reads, folders, JSONL with `text`, `-` for standard input), skipping near-duplicates of the
    corpus files that exist; writes the tasks to `output` and returns (tasks written, paragraphs
    read). Unreadable reports or corpus files raise before anything is written."""
    documents, problems = read_documents(raw)
    if problems:
        raise InputErrors(problems, "the input")
    corpus_texts: list[str] = []
    for path in corpus:
        if path.exists():
            corpus_texts.extend(task.get("text", "") for _, task in read_jsonl_lines(path))
    # where a paragraph came from: its line in the file, else (PDF, HTML, DOCX) its number
    paragraphs = [
        (document.name.split(":")[0], paragraph.line or paragraph.number, paragraph.text)
        for document in documents
        for paragraph in document.paragraphs
    ]
    tasks = select(nlp, paragraphs, corpus_texts, n, batch_size)
    write_jsonl_atomic(output, tasks)
    return len(tasks), len(paragraphs)


def task_dates(path: Path, tasks: list[tuple[int, dict[str, Any]]]) -> list[datetime.date | None]:
    """Each task's `meta.date`, which its relative periods (今年以来) count from; a date that is
    not ISO raises InputErrors naming its line, before anything is written."""
    dates, problems = [], []
    for line, task in tasks:
        try:
            dates.append(parse_date((task.get("meta") or {}).get("date")))
        except ValueError as err:
            problems.append(f"{path}:{line}: meta.date: {err}")
    if problems:
        raise InputErrors(problems, path)
    return dates


def predict_file(nlp: Language, input_path: Path, output_path: Path, batch_size: int = 64) -> list[dict[str, Any]]:
    """Pre-annotate every task of `input_path` (JSONL with `text`) as a Prodigy task for
    ner.manual/rel.manual (see `prediction_task`), keeping the task's own fields and meta with
    its source and line, and the task's `records` (dated by its `meta.date`); written to
    `output_path`. A bad line raises before anything is written."""
    tasks = read_text_tasks(input_path)
    dates = task_dates(input_path, tasks)
    docs = nlp.pipe((task["text"] for _, task in tasks), batch_size=batch_size)
    predicted = []
    for (line, task), doc, date in zip(tasks, progress(docs, len(tasks), "predict"), dates):
        found = prediction_task(doc, {"source": str(input_path), "line": line, **(task.get("meta") or {})})
        found["records"] = [task_record(metric) for metric in extract_document([doc], date=date)]
        own = {key: value for key, value in task.items() if key not in found and not key.startswith("_")}
        predicted.append({**own, **found})
    write_jsonl_atomic(output_path, predicted)
    return predicted


@dataclass
class ImportSummary:
    added: int = 0
    replaced: int = 0
    skipped: int = 0
    invalid: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"added {self.added}, replaced {self.replaced}, skipped {self.skipped}, invalid {len(self.invalid)}"


def canonical(task: dict[str, Any]) -> dict[str, Any]:
    """A reviewed task in the corpus's own form: character tokens, spans and relations by offsets."""
    spans = [make_span(s["start"], s["end"], s["label"]) for s in task.get("spans", [])]
    relations = [
        ((r["head_span"]["start"], r["head_span"]["end"]), (r["child_span"]["start"], r["child_span"]["end"]))
        for r in task.get("relations", [])
    ]
    meta = dict(task.get("meta") or {})
    meta.setdefault("source", "import")
    return make_task(task["text"], spans, relations, meta, "accept")


def import_reviewed(reviewed: str | Path, into: str | Path) -> ImportSummary:
    """Merge accepted reviewed tasks into a corpus file, replacing earlier versions of the same
    text; rejected and ignored tasks are skipped, invalid ones reported and left out."""
    summary = ImportSummary()
    accepted: dict[int, dict[str, Any]] = {}
    try:
        for line, task in read_jsonl_lines(reviewed, on_error=lambda e: summary.invalid.append(str(e))):
            answer = task.get("answer") if isinstance(task, dict) else None
            if answer in ("reject", "ignore"):
                summary.skipped += 1
                continue
            problems = check_task(task, str(reviewed), line)
            if answer != "accept":
                problems = problems or [
                    Problem(str(reviewed), line, "answer", f"expected accept, reject or ignore, got {answer!r}")
                ]
            if problems:
                summary.invalid.extend(str(p) for p in problems)
                continue
            fresh = set_hashes(canonical(task))
            accepted[fresh["_input_hash"]] = fresh
    except CorpusError as error:
        summary.invalid.append(str(error))
    existing: list[dict[str, Any]] = []
    if Path(into).exists():
        existing = [t for _, t in read_jsonl_lines(into)]
    merged = []
    for task in existing:
        key = set_hashes(dict(task))["_input_hash"]
        if key in accepted:
            merged.append(_strip_hashes(accepted.pop(key)))
            summary.replaced += 1
        else:
            merged.append(task)
    for task in accepted.values():
        merged.append(_strip_hashes(task))
        summary.added += 1
    write_jsonl_atomic(into, merged)
    return summary


def _strip_hashes(task: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in task.items() if not k.startswith("_")}
