"""Every analysis table round-trips through CSV and Parquet to the same frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from oncotrial.analysis.tables import (
    column_kinds,
    read_csv_table,
    read_parquet_table,
    write_table,
)


def tricky() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["", "NA", "n/a", '巩固放疗, "quoted"', "line\nbreak"],
            "n": np.array([0, -1, 2**53 + 1, 7, 120], dtype="int64"),
            "x": [0.1 + 0.2, np.nan, 1e-300, -0.0, 1 / 3],
            "flag": [True, False, True, False, True],
        }
    )


def round_trip(table: pd.DataFrame, stem: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    csv_path, parquet_path = write_table(table, stem)
    assert (csv_path.name, parquet_path.name) == (f"{stem.name}.csv", f"{stem.name}.parquet")
    return read_csv_table(csv_path, column_kinds(table)), read_parquet_table(parquet_path)


def test_values_survive_both_formats_exactly(tmp_path: Path) -> None:
    table = tricky()
    from_csv, from_parquet = round_trip(table, tmp_path / "tricky")
    pdt.assert_frame_equal(from_csv, table, check_exact=True)
    pdt.assert_frame_equal(from_parquet, table, check_exact=True)


def test_the_csv_kinds_can_come_from_the_parquet_file(tmp_path: Path) -> None:
    csv_path, parquet_path = write_table(tricky(), tmp_path / "t")
    kinds = column_kinds(read_parquet_table(parquet_path))
    pdt.assert_frame_equal(read_csv_table(csv_path, kinds), read_parquet_table(parquet_path))


def test_types_without_an_exact_csv_form_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'when': type datetime64"):
        write_table(pd.DataFrame({"when": pd.to_datetime(["2024-01-01"])}), tmp_path / "a")
    with pytest.raises(ValueError, match="'label': text columns must hold text only"):
        write_table(pd.DataFrame({"label": ["a", None]}), tmp_path / "b")
    with pytest.raises(ValueError, match="kinds: unknown"):
        read_csv_table(tmp_path / "c.csv", {"x": "date"})
