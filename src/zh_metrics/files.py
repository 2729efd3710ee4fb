"""Writing files so that readers see the old version or the new one, never half of one.

Every file the project writes goes through here: a temporary file beside the target, then an
atomic rename. The temporary file is made with mode 0600; it is given the mode a plain
`open()` would have given (0666 less the umask) before the rename, so outputs stay readable
to the users the umask allows. A folder of files (a Parquet dataset) is written the same way:
filled in a temporary folder beside the target, then renamed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

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


T = TypeVar("T")


def write_folder_atomic(path: str | Path, fill: Callable[[Path], T], suffix: str = ".parquet") -> T:
    """Fill a new temporary folder beside `path` with `fill(folder)`, then rename it to `path`:
    readers find the previous dataset or the whole new one. A previous folder at `path` is
    replaced only when it holds nothing but `suffix` files (an earlier output), so that a
    mistyped path never deletes someone's folder. If `fill` raises, nothing is left behind."""
    path = Path(path)
    if path.exists() and not (path.is_dir() and all(f.suffix == suffix for f in path.iterdir())):
        raise FileExistsError(f"{path}: exists and is not a folder of {suffix} files; choose a new output folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    try:
        result = fill(tmp)
        os.chmod(tmp, 0o777 & ~_umask())
        if path.exists():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".old"))
            os.replace(path, old)
            try:
                os.replace(tmp, path)
            except BaseException:
                os.replace(old, path)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result


def write_part(folder: str | Path, index: int, data: bytes, suffix: str = ".parquet") -> Path:
    """Part `index` of a dataset folder (`part-00000.parquet`, `part-00001.parquet`…, in order),
    written atomically: a part written again, as when a task is retried, replaces the earlier
    one whole."""
    path = Path(folder) / f"part-{index:05d}{suffix}"
    write_atomic(path, data)
    return path


def write_jsonl_atomic(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    """JSONL through srsly's ujson, keeping Chinese readable in files and diffs."""
    lines = [ujson.dumps(r, ensure_ascii=False) for r in records]
    write_atomic(path, "".join(line + "\n" for line in lines))
    return len(lines)
