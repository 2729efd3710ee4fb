"""Score a pipeline on annotated JSONL: per-label precision, recall and F of the entities and
of HAS_CHANGE, through the one scoring path (`measure.scoring`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import spacy
import srsly
from spacy.language import Language
from spacy.training import Example

from ..corpus.jsonl import read_jsonl_lines
from ..corpus.tasks import CorpusError, task_to_doc
from ..corpus.validate import check_task
from ..files import write_atomic
from ..pipeline.normalise import FigureNormaliser
from ..pipeline.vocabulary import LABELS
from .scoring import predict_examples, spacy_scores, values_agree


def read_gold(path: str | Path) -> list[dict[str, Any]]:
    """The tasks of a gold file; the first structural problem raises CorpusError naming it."""
    tasks = []
    for line, task in read_jsonl_lines(path):
        problems = check_task(task, str(path), line)
        if problems:
            raise CorpusError(problems[0].path, problems[0].line, problems[0].field, problems[0].message)
        tasks.append(task)
    return tasks


def score_file(nlp: Language, path: str | Path) -> dict[str, Any]:
    """spaCy's entity scores and the relation scores of the pipeline on one gold file."""
    examples = predict_examples(nlp, read_gold(path), desc=f"score {Path(path).name}")
    scores = spacy_scores(examples)
    per_type = scores.get("ents_per_type") or {}
    return {
        "path": str(path),
        "documents": len(examples),
        "ents_p": scores.get("ents_p"),
        "ents_r": scores.get("ents_r"),
        "ents_f": scores.get("ents_f"),
        "ents_per_type": {label: per_type.get(label, {"p": 0.0, "r": 0.0, "f": 0.0}) for label in LABELS},
        "support": _support(examples),
        **{k: v for k, v in scores.items() if k.startswith("rel_")},
    }


def _support(examples: Iterable[Example]) -> dict[str, int]:
    counts = {label: 0 for label in LABELS}
    for eg in examples:
        for ent in eg.reference.ents:
            counts[ent.label_] = counts.get(ent.label_, 0) + 1
    return counts


def format_scores(result: dict[str, Any]) -> str:
    lines = [
        f"{result['path']} ({result['documents']} paragraphs)",
        f"{'label':<10}{'P':>8}{'R':>8}{'F':>8}{'gold':>7}",
    ]
    for label, s in result["ents_per_type"].items():
        lines.append(f"{label:<10}{s['p']:>8.3f}{s['r']:>8.3f}{s['f']:>8.3f}{result['support'][label]:>7}")
    lines.append(
        f"{'micro':<10}{result['ents_p']:>8.3f}{result['ents_r']:>8.3f}{result['ents_f']:>8.3f}{sum(result['support'].values()):>7}"
    )
    if "rel_micro_f" in result:
        lines.append(
            f"{'HAS_CHANGE':<10}{result['rel_micro_p']:>8.3f}{result['rel_micro_r']:>8.3f}{result['rel_micro_f']:>8.3f}"
        )
    return "\n".join(lines)


def save_scores(result: dict[str, Any], path: str | Path) -> None:
    write_atomic(path, srsly.json_dumps(result, indent=2))


def check_normaliser(path: str | Path) -> tuple[int, list[str]]:
    """Feed the gold figure spans of a file through the normaliser; return how many spans
    were compared and a line for each whose value or unit disagrees with the gold one.
    A gold span without a value (a vague figure) agrees when the normaliser gives none."""
    nlp = spacy.blank("zh")
    normaliser = FigureNormaliser()
    compared, disagreements = 0, []
    for line, task in read_jsonl_lines(path):
        doc = normaliser(task_to_doc(nlp.vocab, task))
        gold = {(s["start"], s["end"]): s for s in task.get("spans", [])}
        has_values = any("value" in s or "unit" in s for s in gold.values())
        for ent in doc.ents:
            span = gold[(ent.start_char, ent.end_char)]
            if ent.label_ not in normaliser.labels or not has_values:
                continue
            compared += 1
            gold_value, gold_unit = span.get("value"), span.get("unit")
            if not values_agree(ent._.value, ent._.unit, gold_value, gold_unit):
                disagreements.append(
                    f"{path}:{line}: {ent.label_} [{ent.text}] gold {gold_value} {gold_unit!r}, "
                    f"normaliser {ent._.value} {ent._.unit!r}{' (' + ent._.value_error + ')' if ent._.value_error else ''}"
                )
    return compared, disagreements


def evaluate_files(
    nlp: Language, gold: Sequence[Path], also: Sequence[Path] = (), output_dir: Path | None = None
) -> dict[Path, dict[str, Any] | None]:
    """`score_file` on each gold file, and on each of `also` that exists (None for the others);
    with `output_dir`, one <name>.json of scores per file there (the shared real reports, in a
    folder `data`, as shared_<name>.json). A missing or broken gold file raises CorpusError."""
    results: dict[Path, dict[str, Any] | None] = {}
    missing = [path for path in also if not path.exists()]
    for path in [*gold, *also]:
        if path in missing:
            results[path] = None
            continue
        results[path] = result = score_file(nlp, path)
        if output_dir is not None:
            name = path.stem if path.parent.name != "data" else f"shared_{path.stem}"
            save_scores(result, output_dir / f"{name}.json")
    return results


def check_normaliser_files(paths: Sequence[Path]) -> list[str]:
    """`check_normaliser` on each file: every disagreement, then per file how many figure spans
    agree. A missing or broken file raises CorpusError."""
    lines = []
    for path in paths:
        compared, disagreements = check_normaliser(path)
        agreed = compared - len(disagreements)
        share = f"{agreed / compared:.2%}" if compared else "n/a"
        lines += [*disagreements, f"{path}: value and unit agree on {agreed}/{compared} figure spans ({share})"]
    return lines
