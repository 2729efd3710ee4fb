"""Progress bars for the long steps (piping a corpus, converting it): on standard error and
only when that is a terminal, as spaCy's own commands do, so logs, pipes and tests stay clean."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], total: int | None = None, desc: str | None = None, unit: str = "para") -> Iterator[T]:
    """`items` unchanged, counted on a tqdm bar on standard error while it is consumed. An item
    is counted as it is handed over, so that a consumer that stops at the last one (`zip` with
    a list of the same length) still sees the bar complete."""
    from tqdm import tqdm

    with tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=None) as bar:
        for item in items:
            bar.update()
            yield item
