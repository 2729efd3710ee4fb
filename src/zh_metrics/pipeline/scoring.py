"""The relation scorer, registered so that the linker's config names it as spaCy's own
components name theirs (`[components.change_linker.scorer]`), and `spacy train`/`spacy
evaluate` report `rel_micro_p/r/f` beside the entity scores."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from spacy.scorer import PRFScore
from spacy.training import Example
from spacy.util import registry


def relation_offsets(relations: Iterable[Iterable[int]] | None) -> set[tuple[int, ...]]:
    """HAS_CHANGE relations as (head start, head end, rate start, rate end) tuples."""
    return {tuple(relation) for relation in relations or []}


def score_relations(examples: Iterable[Example], **kwargs: Any) -> dict[str, float]:
    """Micro precision, recall and F of HAS_CHANGE relations (`doc._.relations`), matched by
    exact character offsets of both spans."""
    score = PRFScore()
    for eg in examples:
        score.score_set(relation_offsets(eg.predicted._.relations), relation_offsets(eg.reference._.relations))
    return {"rel_micro_p": score.precision, "rel_micro_r": score.recall, "rel_micro_f": score.fscore}


@registry.scorers("zh_metrics.relation_scorer.v1")
def make_relation_scorer() -> Callable[..., dict[str, float]]:
    """The scorer the change linker uses by default."""
    return score_relations
