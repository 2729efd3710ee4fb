"""Records as Parquet: the one schema every engine writes (`RECORD_FIELDS`), rows and bytes.

pyarrow is an optional dependency (extras `parquet` and `dask`): it is imported only when
Parquet is asked for, and its absence is a MissingExtra that names the extra to install.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .metric import Record, flatten

if TYPE_CHECKING:
    import pyarrow

# column → (Arrow type, nullable), in the order of the CSV columns (formats.COLUMNS): a Record
# flattened, with proper types — figures as float64 with null, counts and offsets as int64,
# the document's date as a date.
RECORD_FIELDS: dict[str, tuple[str, bool]] = {
    "document": ("string", False),
    "paragraph": ("int64", False),
    "page": ("int64", True),
    "date": ("date32", True),
    "indicator": ("string", False),
    "label": ("string", False),
    "text": ("string", False),
    "value": ("float64", True),
    "unit": ("string", True),
    "qualifier": ("string", True),
    "change_value": ("float64", True),
    "change_unit": ("string", True),
    "change_basis": ("string", True),
    "change_text": ("string", True),
    "period": ("string", True),
    "period_start": ("string", True),
    "period_end": ("string", True),
    "organisation": ("string", True),
    "organisation_start": ("int64", True),
    "campaign": ("string", True),
    "campaign_start": ("int64", True),
    "sentence": ("string", False),
    "start": ("int64", False),
    "end": ("int64", False),
}


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra that brings it."""


def pyarrow_module() -> ModuleType:
    """pyarrow with its Parquet module, or MissingExtra naming the extra to install."""
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError as err:
        raise MissingExtra("Parquet needs pyarrow: pip install 'zh-metrics[parquet]'") from err
    return pyarrow


def record_schema() -> pyarrow.Schema:
    """RECORD_FIELDS as an Arrow schema."""
    pa = pyarrow_module()
    return pa.schema(
        [pa.field(name, getattr(pa, kind)(), nullable=nullable) for name, (kind, nullable) in RECORD_FIELDS.items()]
    )


def record_rows(records: Iterable[Record]) -> list[dict[str, Any]]:
    """Records as rows of the Parquet schema: every column of RECORD_FIELDS, None where a
    record has no such field, the date as a date."""
    rows = []
    for record in records:
        row = {**flatten(record), "date": record.date}
        rows.append({column: row.get(column) for column in RECORD_FIELDS})
    return rows


def parquet_bytes(rows: list[dict[str, Any]]) -> bytes:
    """Rows of `record_rows` as one Parquet file in the record schema."""
    pa = pyarrow_module()
    sink = pa.BufferOutputStream()
    pa.parquet.write_table(pa.Table.from_pylist(rows, schema=record_schema()), sink)
    return sink.getvalue().to_pybytes()
