"""Writing a table as CSV and Parquet with the same content, and reading either back.

This module owns the file form of every analysis table (issue 10: "every
table as CSV and Parquet"): flat column names, no index, and only column
types both formats hold exactly: text, 64-bit integers, 64-bit floats and
booleans. Floats are written in their shortest exact decimal form, so a
CSV read back with the same column types equals the table; missing floats
are empty fields, and empty text stays empty text (never NaN).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

KINDS = ("str", "int", "float", "bool")


def column_kinds(table: pd.DataFrame) -> dict[str, str]:
    """The kind of each column ("str", "int", "float" or "bool"); refuses any other type."""
    kinds: dict[str, str] = {}
    for name in table.columns:
        if not isinstance(name, str):
            raise ValueError(f"column {name!r}: column names must be text")
        dtype = table[name].dtype
        if pd.api.types.is_bool_dtype(dtype):
            kinds[name] = "bool"
        elif pd.api.types.is_integer_dtype(dtype):
            kinds[name] = "int"
        elif pd.api.types.is_float_dtype(dtype):
            kinds[name] = "float"
        elif pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            values = table[name]
            if not values.map(lambda v: isinstance(v, str)).all():
                raise ValueError(f"column {name!r}: text columns must hold text only (no NaN)")
            kinds[name] = "str"
        else:
            raise ValueError(f"column {name!r}: type {dtype} has no exact CSV form")
    return kinds


def write_table(table: pd.DataFrame, stem: str | Path) -> tuple[Path, Path]:
    """Write `table` as ``<stem>.csv`` and ``<stem>.parquet``; returns both paths."""
    column_kinds(table)
    stem = Path(stem)
    csv_path, parquet_path = stem.with_suffix(".csv"), stem.with_suffix(".parquet")
    flat = table.reset_index(drop=True)
    flat.to_csv(csv_path, index=False, lineterminator="\n", encoding="utf-8")
    flat.to_parquet(parquet_path, index=False)
    return csv_path, parquet_path


def read_parquet_table(path: str | Path) -> pd.DataFrame:
    """A table written by :func:`write_table`, from its Parquet file."""
    return pd.read_parquet(path)


def read_csv_table(path: str | Path, kinds: Mapping[str, str]) -> pd.DataFrame:
    """A table written by :func:`write_table`, from its CSV file, with the given column kinds."""
    bad = {k: v for k, v in kinds.items() if v not in KINDS}
    if bad:
        raise ValueError(f"kinds: unknown kind(s) {bad}; expected {KINDS}")
    dtypes = {"str": object, "int": "int64", "float": "float64", "bool": "bool"}
    return pd.read_csv(
        path,
        dtype={name: dtypes[kind] for name, kind in kinds.items()},
        keep_default_na=False,
        na_values={name: [""] for name, kind in kinds.items() if kind == "float"},
        float_precision="round_trip",
        encoding="utf-8",
    )
