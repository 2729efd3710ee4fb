"""HAS_CHANGE: link each RATE to the COUNT, MONEY or PERCENT whose change it gives.

A logistic regression scores every (figure, rate) pair in the rate's sentence; each rate
takes its best figure when the score passes a threshold. A rate with no figure before it in
its sentence whose own words name what changed (受案N件、结案M件。受案、结案同比分别上升…) is
also scored against the figures of the sentence before. The model is fitted from the
gold entities of the training examples when the pipeline is initialised, and stored as
JSON (weights and feature names), so loading a pipeline never unpickles code.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from spacy import util
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example

from .scoring import score_relations
from .tokenizer import doc_text
from .vocabulary import (
    CHANGE_VERB_RE,
    CLOSE_BRACKETS,
    COMPARISON_BASE_BEFORE,
    COMPARISON_WORDS,
    FIGURE_HEAD_LABELS,
    INNER_CLAUSE_BREAK,
    ITEM_BREAK,
    LIST_CHARS,
    RATE_LIST_GLUE,
    RATIO_WORDS,
    RESPECTIVELY,
    SENTENCE_END,
)

if not Doc.has_extension("relations"):
    Doc.set_extension("relations", default=None)


def sentence_bounds(text: str, start: int, end: int, reach: int = 500) -> tuple[int, int]:
    """The sentence around [start, end), looking at most `reach` characters either way."""
    window_start = max(0, start - reach)
    left = max((m.end() for m in SENTENCE_END.finditer(text, window_start, start)), default=window_start)
    right = SENTENCE_END.search(text, end, min(len(text), end + reach))
    return left, right.start() if right else min(len(text), end + reach)


def sentence_groups(doc: Doc) -> list[list[Span]]:
    """The entities of each sentence, in order (one pass over the text, one over the entities)."""
    breaks = [m.end() for m in SENTENCE_END.finditer(doc_text(doc))]
    groups: dict[int, list[Span]] = {}
    for ent in doc.ents:
        groups.setdefault(bisect_right(breaks, ent.start_char), []).append(ent)
    return list(groups.values())


def candidate_heads(text: str, group: list[Span], rate_index: int, max_back: int) -> list[int]:
    """Indices of the figures before the rate in `group`, nearest first, leaving out comparison
    bases (比去年7.1万件): the rules never make a base the figure that changed."""
    found = [
        i
        for i in range(rate_index - 1, -1, -1)
        if group[i].label_ in FIGURE_HEAD_LABELS
        and not COMPARISON_BASE_BEFORE.search(text, max(0, group[i].start_char - 12), group[i].start_char)
    ]
    return found[:max_back]


def in_aside(text: str, head: Span, rate: Span) -> bool:
    """Whether the figure stands in brackets that close before the rate: an aside
    (收案4,120件(含上年旧存186件),同比上升5.2% → the rate is the 4,120件's)."""
    opened = text.rfind("(", 0, head.start_char), text.rfind("（", 0, head.start_char)
    opening = max(opened)
    if opening == -1 or any(c in text[opening : head.start_char] for c in CLOSE_BRACKETS):
        return False
    return any(c in text[head.end_char : rate.start_char] for c in CLOSE_BRACKETS)


def names_a_ratio(subject: str) -> bool:
    """Whether the rate's own subject is a ratio (不起诉率同比上升2.4个百分点): it changes the level
    of that ratio, so only a percentage can be its figure; a count before it is not."""
    return subject.endswith(RATIO_WORDS)


def _bucket(n: int) -> str:
    return str(n) if n < 5 else ("5-9" if n < 10 else ("10-19" if n < 20 else "20+"))


def own_subject(between: str) -> str:
    """Words naming what changed, written after the last comma before the rate
    (…5起,欠薪案件同比下降4%: 欠薪案件) — a sign the rate is not about the figure before.
    When that clause only gives the size of a change told just before (…数量环比下降,降幅达27%),
    the subject is in the clause that tells it."""
    clauses = INNER_CLAUSE_BREAK.split(between)
    subject = _words(clauses[-1])
    if not subject and len(clauses) > 1 and CHANGE_VERB_RE.search(clauses[-2]):
        subject = _words(clauses[-2])
    return subject


def _words(clause: str) -> str:
    """A clause without its comparison words and the list marks around it (3.5万起、同比上升:
    the 、 names nothing)."""
    return COMPARISON_WORDS.sub("", clause).strip(LIST_CHARS + " ")


SUBJECT_ITEM_BREAK = re.compile(r"、|和|及|与")
# characters that name no indicator of their own (measure words, 的, scope words)
GENERIC_CHARS = frozenset("的数量总各类共全年月其中人起件名次个万亿元")


def indicator_before(text: str, group: list[Span], head_index: int) -> str:
    """The words naming a figure: its clause up to the figure, after any entity before it
    (抓获犯罪嫌疑人 in …、抓获犯罪嫌疑人300人; 追回欠薪 in 为3,120名务工人员追回欠薪4,650万元)."""
    head = group[head_index]
    start = max(0, head.start_char - 16)
    if head_index > 0:
        start = max(start, group[head_index - 1].end_char)
    breaks = [m.end() for m in ITEM_BREAK.finditer(text, start, head.start_char)]
    return text[breaks[-1] if breaks else start : head.start_char]


def words_after(text: str, group: list[Span], head_index: int) -> str:
    """The noun written right after a figure, up to the next break or entity (为[3,120名]务工人员
    追回欠薪…: 务工人员追回欠)."""
    head = group[head_index]
    end = group[head_index + 1].start_char if head_index + 1 < len(group) else head.end_char + 8
    return ITEM_BREAK.split(text[head.end_char : min(end, head.end_char + 8)], maxsplit=1)[0]


def subject_before_run(text: str, group: list[Span], run_start: int) -> str:
    """The subject a list of rates (or one rate) names for itself: the words between the figure
    before it, or its sentence's start, and its first rate, with the rates in between cut out
    (受案增加412件,上升8.4%: 受案 for both rates)."""
    pieces = []
    end = group[run_start].start_char
    i = run_start - 1
    while i >= 0 and group[i].label_ == "RATE":
        pieces.append(text[group[i].end_char : end])
        end = group[i].start_char
        i -= 1
    pieces.append(text[group[i].end_char if i >= 0 else 0 : end])
    return own_subject(SENTENCE_END.split("".join(reversed(pieces)))[-1])


def subject_overlap(subject: str, indicator: str, run: tuple[int, int]) -> int:
    """How many content characters the rate's named subject shares with the figure's words.
    In a list of rates under a list of subjects (批捕、起诉人数分别下降a和b) each rate
    is compared with its own subject."""
    items = [item for item in SUBJECT_ITEM_BREAK.split(subject) if item]
    position, length = run
    if length > 1 and len(items) == length:
        subject = items[position]
    return len((set(subject) - GENERIC_CHARS) & set(indicator))


def rate_runs(text: str, group: list[Span]) -> dict[int, tuple[int, int]]:
    """For each rate in a list of rates (31.2%和64.5%; 12%、15.3%、21.8%; 12.5%、下降9.8%): its
    position in the list and the list's length, by index in `group`."""
    runs: list[list[int]] = []
    for i, ent in enumerate(group):
        if ent.label_ != "RATE":
            continue
        if runs and runs[-1][-1] == i - 1 and RATE_LIST_GLUE.fullmatch(text[group[i - 1].end_char : ent.start_char]):
            runs[-1].append(i)
        else:
            runs.append([i])
    return {i: (pos, len(run)) for run in runs for pos, i in enumerate(run)}


# an unclosed bracket before a figure, a semicolon or colon between figure and rate, a base word
# (较, 比…) before a figure: compiled once, they are read for every candidate pair
OPEN_BRACKET_BEFORE = re.compile(r"[（(][^）)]*$")
SEMICOLON_LIKE = re.compile(r"[;；:：]")
BASE_WORD_BEFORE = re.compile(r"(较|比|由|从)[^,，。]*$")


def pair_features(
    text: str, group: list[Span], head_index: int, rate_index: int, rank: int, run: tuple[int, int] = (0, 1)
) -> dict[str, float]:
    """What tells a reader which figure a rate belongs to (`text` is the doc's text, read once)."""
    head, rate = group[head_index], group[rate_index]
    between = text[head.end_char : rate.start_char]
    ents_between = group[head_index + 1 : rate_index]
    n_figures = sum(e.label_ in FIGURE_HEAD_LABELS for e in ents_between)
    n_rates = sum(e.label_ == "RATE" for e in ents_between)
    before_rate = text[max(0, rate.start_char - 6) : rate.start_char]
    before_head = text[max(0, head.start_char - 3) : head.start_char]
    features: dict[str, float] = {
        "bias": 1.0,
        f"rank={min(rank, 6)}": 1.0,
        f"head={head.label_}": 1.0,
        f"dist={_bucket(len(between))}": 1.0,
        f"figs_between={min(n_figures, 4)}": 1.0,
        f"rates_between={min(n_rates, 4)}": 1.0,
        f"head={head.label_}&rank={min(rank, 3)}": 1.0,
        "respectively": float(any(w in before_rate or w in between for w in RESPECTIVELY)),
        "in_brackets": float(bool(OPEN_BRACKET_BEFORE.search(text, max(0, head.start_char - 12), head.start_char))),
        "comma_between": float("," in between or "，" in between),
        "semicolon_like_between": float(bool(SEMICOLON_LIKE.search(between))),
        "dunhao_between": float("、" in between),
        "rate_pp&head_percent": float(
            text.endswith("百分点", rate.start_char, rate.end_char) and head.label_ == "PERCENT"
        ),
        "rate_pp&head_other": float(
            text.endswith("百分点", rate.start_char, rate.end_char) and head.label_ != "PERCENT"
        ),
        "same_unit": float(bool(getattr(rate._, "unit", None)) and rate._.unit == getattr(head._, "unit", None)),
        "rate_ratio_word_before": float("率" in before_rate or "比重" in before_rate or "占比" in before_rate),
        "base_word_before_head": float(
            bool(BASE_WORD_BEFORE.search(text, max(0, head.start_char - 8), head.start_char))
        ),
        # In a 分别 list the i-th rate after the cue pairs with the i-th figure before it.
        f"list_offset={_bucket(abs(n_rates - n_figures))}": 1.0,
    }
    position, length = run
    # a list of rates shares the words written before its first rate
    subject = subject_before_run(text, group, rate_index - position)
    # a figure of the sentence before (only offered when the rate names what changed)
    cross = bool(SENTENCE_END.search(between))
    features["cross_sentence"] = float(cross)
    subject_kind = "none" if not subject else ("short" if len(subject) < 4 else "long")
    features[f"own_subject={subject_kind}"] = 1.0
    features[f"own_subject={subject_kind}&rank={min(rank, 2)}"] = 1.0
    if subject:
        features[f"own_subject_end={subject[-1]}"] = 1.0
    features[f"own_subject={subject_kind}&list={length > 1}"] = 1.0
    if subject:
        shared = subject_overlap(subject, indicator_before(text, group, head_index), run)
        features[f"subject_overlap={min(shared, 2)}"] = 1.0
        features[f"subject_overlap={min(shared, 2)}&list={length > 1}"] = 1.0
        features[f"subject_overlap={min(shared, 2)}&own_subject={subject_kind}"] = 1.0
        features[f"subject_overlap={min(shared, 2)}&cross_sentence={cross}"] = 1.0
        # the subject may name what the figure counts, written after it (3,120名务工人员 … 务工人员人数)
        shared_after = subject_overlap(subject, words_after(text, group, head_index), run)
        features[f"subject_overlap_after={min(shared_after, 2)}"] = 1.0
    # a change already told in an earlier clause between them (…38个,…数量首次环比下降,降幅达39%)
    earlier_clauses = INNER_CLAUSE_BREAK.split(between)[:-1]
    features["direction_in_earlier_clause"] = float(any(CHANGE_VERB_RE.search(c) for c in earlier_clauses))
    if length > 1:
        # the i-th of k rates pairs with the (k-1-i)-th nearest figure before the list
        features[f"list_rank_match={rank == length - 1 - position}"] = 1.0
        features[f"list_rank_gap={_bucket(abs(rank - (length - 1 - position)))}"] = 1.0
    for ch in set(between[:12]):
        features[f"between_char={ch}"] = 1.0
    for i in range(len(before_rate) - 1):
        features[f"rate_ctx={before_rate[i : i + 2]}"] = 1.0
    features[f"head_ctx={before_head[-2:]}"] = 1.0
    return features


def rate_pairs(doc: Doc, max_back: int) -> Iterator[tuple[Span, list[Span], list[dict[str, float]]]]:
    """Each rate with its candidate figures and their features: the figures before it in its
    sentence; where there are none and the rate names what changed, those of the sentence
    right before."""
    text = doc_text(doc)
    previous: list[Span] = []
    for group in sentence_groups(doc):
        runs = rate_runs(text, group)
        # the sentence before, if nothing but punctuation and space stands between them
        adjacent = bool(previous) and not any(
            part.strip() for part in SENTENCE_END.split(text[previous[-1].end_char : group[0].start_char])[1:-1]
        )
        for rate_index, rate in enumerate(group):
            if rate.label_ != "RATE":
                continue
            ents, index = group, rate_index
            heads = candidate_heads(text, ents, index, max_back)
            run_start = rate_index - runs[rate_index][0]
            subject = subject_before_run(text, group, run_start)
            if not heads and adjacent and subject:
                ents, index = previous + group, len(previous) + rate_index
                heads = candidate_heads(text, ents, index, max_back)
            heads = [h for h in heads if not in_aside(text, ents[h], rate)]
            if names_a_ratio(subject):
                heads = [h for h in heads if ents[h].label_ == "PERCENT"]
            if heads:
                rows = [pair_features(text, ents, h, index, rank, runs[rate_index]) for rank, h in enumerate(heads)]
                yield rate, [ents[h] for h in heads], rows
        previous = group


class ChangeLinker:
    """Links RATE entities to their figure; relations go to `doc._.relations` as char offsets."""

    def __init__(
        self,
        name: str = "change_linker",
        threshold: float = 0.55,
        max_back: int = 8,
        C: float = 1.0,
        normaliser: str | None = "figure_normaliser",
        scorer: Callable[..., dict[str, float]] = score_relations,
    ) -> None:
        self.name = name
        self.threshold = threshold
        self.max_back = max_back
        self.C = C
        self.normaliser = normaliser
        self.scorer = scorer
        self.weights: dict[str, float] | None = None  # feature name -> weight
        self.bias = 0.0

    # -- prediction
    def _scores(self, rows: list[dict[str, float]]) -> np.ndarray:
        if self.weights is None:
            raise ValueError(f"{self.name} is not initialised: train the pipeline first")
        # a sum over the few features each pair has: faster than vectorising the rows
        weights = self.weights
        logits = np.array([sum(weights.get(f, 0.0) * v for f, v in row.items()) for row in rows]) + self.bias
        return 1.0 / (1.0 + np.exp(-logits))

    def __call__(self, doc: Doc) -> Doc:
        relations = []
        pairs = list(rate_pairs(doc, self.max_back))  # none in a doc without a rate
        if pairs:
            # one scoring call per document
            scores = self._scores([row for _, _, rows in pairs for row in rows])
            offset = 0
            for rate, heads, _ in pairs:
                these = scores[offset : offset + len(heads)]
                offset += len(heads)
                best = int(np.argmax(these))
                if these[best] >= self.threshold:
                    head = heads[best]
                    relations.append((head.start_char, head.end_char, rate.start_char, rate.end_char))
        doc._.relations = relations
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    # -- training
    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None) -> None:
        """Fit on the gold entities and relations of the training examples."""
        rows: list[dict[str, float]] = []
        labels: list[int] = []
        normaliser = nlp.get_pipe(self.normaliser) if nlp is not None and self.normaliser in nlp.pipe_names else None
        for eg in get_examples():
            doc = eg.reference
            if normaliser is not None:
                normaliser(doc)
            gold = {tuple(r) for r in (doc._.relations or [])}
            for rate, heads, pair_rows in rate_pairs(doc, self.max_back):
                rows.extend(pair_rows)
                labels.extend(int((h.start_char, h.end_char, rate.start_char, rate.end_char) in gold) for h in heads)
        if not rows or len(set(labels)) < 2:
            raise ValueError(f"{self.name}: the training data has no (figure, rate) pairs to learn links from")
        # scikit-learn only fits the weights: a loaded pipeline scores from JSON without it
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = DictVectorizer(sparse=True)
        X = vectorizer.fit_transform(rows)
        model = LogisticRegression(C=self.C, max_iter=2000)
        model.fit(X, np.array(labels))
        self.weights = dict(zip(vectorizer.feature_names_, model.coef_[0].tolist()))
        self.bias = float(model.intercept_[0])

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, float]:
        return self.scorer(examples, **kwargs)

    # -- serialisation (JSON only)
    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        # stdlib json writes floats exactly (repr), so a reloaded linker scores identically
        return json.dumps(self._state(), ensure_ascii=False).encode("utf8")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> ChangeLinker:
        self._load_state(json.loads(data))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)

        def write_model(p: Path) -> None:
            p.with_suffix(".json").write_bytes(self.to_bytes())

        util.to_disk(path, {"model": write_model}, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ChangeLinker:
        def read_model(p: Path) -> None:
            file = Path(p).with_suffix(".json")
            try:
                self.from_bytes(file.read_bytes())
            except (OSError, ValueError, KeyError, TypeError) as err:
                raise ValueError(f"{file}: not a change-linker model ({type(err).__name__}: {err})") from None

        util.from_disk(Path(path), {"model": read_model}, exclude)
        return self

    def _state(self) -> dict[str, Any]:
        if self.weights is None:
            return {"features": [], "weights": [], "bias": 0.0}
        return {"features": list(self.weights), "weights": list(self.weights.values()), "bias": self.bias}

    def _load_state(self, state: dict[str, Any]) -> None:
        if not state["features"]:
            self.weights = None
            return
        self.weights = dict(zip(state["features"], map(float, state["weights"])))
        self.bias = float(state["bias"])


@Language.factory(
    "change_linker",
    requires=["doc.ents", "span._.value", "span._.unit"],
    assigns=["doc._.relations"],
    default_config={
        "threshold": 0.55,
        "max_back": 8,
        "C": 1.0,
        "normaliser": "figure_normaliser",
        "scorer": {"@scorers": "zh_metrics.relation_scorer.v1"},
    },
    default_score_weights={"rel_micro_f": 0.0, "rel_micro_p": None, "rel_micro_r": None},
)
def make_change_linker(
    nlp: Language,
    name: str,
    threshold: float,
    max_back: int,
    C: float,
    normaliser: str | None,
    scorer: Callable[..., dict[str, float]],
) -> ChangeLinker:
    """Links each change rate to the figure it changes (HAS_CHANGE). `normaliser` names the
    component whose values the linker's features read; it is run over the gold entities when
    the linker is fitted (None: fit without values)."""
    return ChangeLinker(name, threshold, max_back, C, normaliser, scorer)
