"""The tidy-table contract refuses a table that drifts from it, naming the column."""

from __future__ import annotations

import pandas as pd
import pytest

from oncotrial.analysis.tidy import DOMAINS, TidyTableError, empty, validate


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_empty_tables_follow_their_contract(domain: str) -> None:
    assert list(validate(domain, empty(domain)).columns) == list(DOMAINS[domain])


def test_missing_and_mistyped_columns_are_named() -> None:
    frame = empty("SS").drop(columns=["SSDT"])
    frame["SSSTRESC"] = frame["SSSTRESC"].astype("float64")
    with pytest.raises(TidyTableError) as caught:
        validate("SS", frame)
    assert "SS.SSDT: missing column" in str(caught.value)
    assert "SS.SSSTRESC: expected str, found float" in str(caught.value)


def test_an_integer_column_may_stand_for_a_float_one() -> None:
    frame = empty("PR")
    frame["PRDOSE"] = pd.Series(dtype="int64")
    validate("PR", frame)
