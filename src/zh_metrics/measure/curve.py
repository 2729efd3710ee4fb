"""The learning curve: train on growing shares of the corpus (whole documents) and score each
model on a gold file, to tell whether more annotation would still help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import spacy
import srsly

from ..corpus.build import convert_file
from ..corpus.jsonl import read_jsonl_lines
from ..corpus.tasks import doc_id
from ..files import write_atomic, write_jsonl_atomic
from .evaluate import score_file


def corpus_share(tasks: list[dict[str, Any]], fraction: float) -> list[dict[str, Any]]:
    """The first `fraction` of the documents, in a stable order, with all their paragraphs."""
    docs = sorted({doc_id(t) for t in tasks})
    keep = set(docs[: max(1, round(len(docs) * fraction))])
    return [t for t in tasks if doc_id(t) in keep]


def learning_curve(
    config: Path, train: Path, dev: Path, eval_path: Path, out_dir: Path, fractions: list[float], overrides: list[str]
) -> list[dict[str, Any]]:
    """Train one model per fraction with the project's config and score it on `eval_path`."""
    tasks = [t for _, t in read_jsonl_lines(train)]
    dev_spacy = out_dir / "dev.spacy"
    convert_file(dev, dev_spacy)
    points = []
    for fraction in fractions:
        part = out_dir / f"train-{int(fraction * 100)}"
        subset = corpus_share(tasks, fraction)
        write_jsonl_atomic(part / "train.jsonl", subset)
        convert_file(part / "train.jsonl", part / "train.spacy")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "spacy",
                "train",
                str(config),
                "--output",
                str(part / "model"),
                "--paths.train",
                str(part / "train.spacy"),
                "--paths.dev",
                str(dev_spacy),
                *overrides,
            ],
            check=True,
        )
        scores = score_file(spacy.load(part / "model" / "model-best"), eval_path)
        points.append(
            {
                "fraction": fraction,
                "tasks": len(subset),
                "ents_f": scores["ents_f"],
                "rel_f": scores.get("rel_micro_f"),
                "eval": str(eval_path),
            }
        )
        write_atomic(out_dir / "curve.json", srsly.json_dumps(points, indent=2))
    return points
