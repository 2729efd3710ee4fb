"""Entities from one softmax over BILUO tags per token, decoded under the BILUO constraints.

spaCy's transition-based NER takes a state step per token with a small network behind it;
on this machine that loop costs more than the whole CNN under it. Scoring every token at once
costs one matrix product; decoding keeps the per-token argmax where it obeys the BILUO rules and
runs Viterbi over the stretches where it does not, so the output is what the transition system
gives: non-overlapping, well-formed spans.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice

import numpy as np
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc, Span
from spacy.training import Example, validate_examples, validate_get_examples
from spacy.vocab import Vocab
from thinc.api import Model, SequenceCategoricalCrossentropy
from thinc.types import Floats2d

MISSING = "-"


def tag_names(labels: Iterable[str]) -> list[str]:
    """ "O", then B-, I-, L-, U- for each label: tag 1 + 4k + j is prefix j of label k."""
    return ["O"] + [f"{prefix}-{label}" for label in labels for prefix in "BILU"]


def transition_rules(n_labels: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which tag may follow which, and which may start and end a document: inside an entity
    (after B or I of a label) only I or L of the same label; elsewhere O, B or U."""
    n = 1 + 4 * n_labels
    kind = np.array([-1] + [j for _ in range(n_labels) for j in range(4)])  # 0 B, 1 I, 2 L, 3 U
    label = np.array([-1] + [k for k in range(n_labels) for _ in range(4)])
    opens = np.isin(kind, (0, 1))
    may_start = ~np.isin(kind, (1, 2))  # O, B, U
    allowed = np.zeros((n, n), dtype=bool)
    allowed[~opens] = may_start
    for prev in np.flatnonzero(opens):
        allowed[prev] = (label == label[prev]) & np.isin(kind, (1, 2))
    may_end = ~opens  # O, L, U
    return allowed, may_start, may_end


def viterbi(scores: np.ndarray, allowed: np.ndarray, may_start: np.ndarray, may_end: np.ndarray) -> np.ndarray:
    """The highest-scoring tag sequence that obeys the rules."""
    penalty = np.where(allowed, 0.0, -np.inf)
    delta = np.where(may_start, scores[0], -np.inf)
    back = np.zeros(scores.shape, dtype=np.int64)
    columns = np.arange(scores.shape[1])
    for i in range(1, len(scores)):
        candidates = delta[:, None] + penalty
        back[i] = candidates.argmax(axis=0)
        delta = candidates[back[i], columns] + scores[i]
    path = np.empty(len(scores), dtype=np.int64)
    path[-1] = int(np.where(may_end, delta, -np.inf).argmax())
    for i in range(len(scores) - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def decode(
    scores: np.ndarray, allowed: np.ndarray, may_start: np.ndarray, may_end: np.ndarray, sure: float = 6.0
) -> np.ndarray:
    """The tag-by-tag argmax, repaired where it breaks the rules: each stretch that holds a
    broken transition is re-decoded by Viterbi between the tokens the model is sure are
    outside every entity (O ahead of every other tag by `sure` in log-odds). Viterbi over
    the whole doc would cost a Python step per token."""
    best = scores.argmax(axis=1)
    n = len(best)
    if n == 0:
        return best
    valid = np.empty(n + 1, dtype=bool)  # valid[i]: the transition into token i (n: the end)
    valid[0], valid[n] = may_start[best[0]], may_end[best[-1]]
    valid[1:n] = allowed[best[:-1], best[1:]]
    if valid.all():
        return best
    runner_up = np.partition(scores, -2, axis=1)[:, -2]
    inside = (best != 0) | (scores[:, 0] - runner_up < sure)
    run_start = np.maximum.accumulate(np.where(inside & ~np.r_[False, inside[:-1]], np.arange(n), 0))
    path = best.copy()
    done: set[int] = set()
    for i in np.flatnonzero(~valid).tolist():
        for token in (i - 1, i):
            if 0 <= token < n and inside[token] and run_start[token] not in done:
                start = int(run_start[token])
                end = start + int(np.argmin(np.r_[inside[start:], False]))
                path[start:end] = viterbi(scores[start:end], allowed, may_start, may_end)
                done.add(start)
    return path


def spans_of(doc: Doc, tags: np.ndarray, labels: tuple[str, ...]) -> list[Span]:
    """The entities of a valid tag sequence."""
    spans, start = [], 0
    for i in np.flatnonzero(tags).tolist():
        label, kind = divmod(int(tags[i]) - 1, 4)
        if kind == 0:
            start = i
        elif kind == 2:
            spans.append(Span(doc, start, i + 1, label=labels[label]))
        elif kind == 3:
            spans.append(Span(doc, i, i + 1, label=labels[label]))
    return spans


class BiluoTagger(TrainablePipe):
    """Named entities from per-token BILUO tag scores and a constrained decoder."""

    def __init__(self, vocab: Vocab, model: Model, name: str = "ner", *, scorer: Callable | None = None) -> None:
        self.vocab = vocab
        self.model = model
        self.name = name
        self.cfg: dict = {"labels": []}
        self.scorer = scorer
        self._rules: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.cfg["labels"])

    @property
    def rules(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._rules is None or len(self._rules[1]) != 1 + 4 * len(self.labels):
            self._rules = transition_rules(len(self.labels))
        return self._rules

    def add_label(self, label: str) -> int:
        if label in self.labels:
            return 0
        self._allow_extra_label()
        self.cfg["labels"].append(label)
        return 1

    def predict(self, docs: Iterable[Doc]) -> list[Floats2d]:
        docs = list(docs)
        if not any(len(doc) for doc in docs):
            return [self.model.ops.alloc2f(0, 1 + 4 * len(self.labels)) for _ in docs]
        return self.model.predict(docs)

    def set_annotations(self, docs: Iterable[Doc], scores: list[Floats2d]) -> None:
        for doc, doc_scores in zip(docs, scores):
            tags = decode(self.model.ops.to_numpy(doc_scores), *self.rules)
            doc.set_ents(spans_of(doc, tags, self.labels), default="outside")

    def margins(self, docs: list[Doc]) -> list[float]:
        """Per doc, the smallest gap between a token's two most probable tags (0 = a coin toss)."""
        out = []
        for doc_scores in self.predict(docs):
            scores = self.model.ops.to_numpy(doc_scores)
            if len(scores) == 0:
                out.append(float("inf"))
                continue
            probs = np.exp(scores - scores.max(axis=1, keepdims=True))
            probs /= probs.sum(axis=1, keepdims=True)
            top2 = np.sort(probs, axis=1)[:, -2:]
            out.append(float((top2[:, 1] - top2[:, 0]).min()))
        return out

    def get_loss(self, examples: Iterable[Example], scores: list[Floats2d]) -> tuple[float, list[Floats2d]]:
        validate_examples(examples, "BiluoTagger.get_loss")
        truths = [[tag if tag else MISSING for tag in eg.get_aligned_ner()] for eg in examples]
        loss_func = SequenceCategoricalCrossentropy(
            names=tag_names(self.labels), normalize=False, missing_value=MISSING
        )
        d_scores, loss = loss_func(scores, truths)
        if self.model.ops.xp.isnan(loss):
            raise ValueError(f"{self.name}: the loss is NaN")
        return float(loss), d_scores

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]],
        *,
        nlp: Language | None = None,
        labels: Iterable[str] | None = None,
    ) -> None:
        validate_get_examples(get_examples, "BiluoTagger.initialize")
        if labels is None:
            labels = sorted({ent.label_ for eg in get_examples() for ent in eg.reference.ents})
        for label in labels:
            self.add_label(label)
        if not self.labels:
            raise ValueError(f"{self.name}: the training data has no entities to learn labels from")
        self.model.get_ref("output_layer").set_dim("nO", 1 + 4 * len(self.labels))
        self.model.initialize(X=[eg.x for eg in islice(get_examples(), 10)])


@Language.factory(
    "biluo_ner",
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={
        "model": {
            "@architectures": "spacy.Tagger.v2",
            "tok2vec": {"@architectures": "spacy.Tok2VecListener.v1", "width": 96, "upstream": "*"},
            "nO": None,
            "normalize": False,
        },
        "scorer": {"@scorers": "spacy.ner_scorer.v1"},
    },
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_biluo_ner(nlp: Language, name: str, model: Model, scorer: Callable | None) -> BiluoTagger:
    """Entities from per-token BILUO scores: a fast alternative to the transition-based NER."""
    return BiluoTagger(nlp.vocab, model, name, scorer=scorer)


def release_tensor(doc: Doc) -> Doc:
    """Drops the token vectors once the NER has read them: nothing later uses them, and they
    would be copied between processes with every doc (`--n-process`) and kept in memory with it."""
    doc.tensor = doc.tensor[:0]
    return doc


@Language.factory("release_tensor", requires=["doc.tensor"], assigns=["doc.tensor"])
def make_release_tensor(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Frees each doc's token vectors after the components that read them (see `release_tensor`)."""
    return release_tensor
