"""Writing files so that readers see the old version or the new one, never half of one.

Every file the project writes goes through here: a temporary file beside the target, then an
atomic rename. The temporary file is made with mode 0600; it is given the mode a plain
`open()` would have given (0666 less the umask) before the rename, so outputs stay readable
to the users the umask allows.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from srsly import ujson


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, content: bytes | str) -> None:
    """Write `content` to `path` atomically, with the mode the umask gives new files."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_jsonl_atomic(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    """JSONL through srsly's ujson, keeping Chinese readable in files and diffs."""
    lines = [ujson.dumps(r, ensure_ascii=False) for r in records]
    write_atomic(path, "".join(line + "\n" for line in lines))
    return len(lines)
