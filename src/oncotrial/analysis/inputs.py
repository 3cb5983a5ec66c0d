"""Checks for right-censored survival input shared by the survival statistics.

This module owns turning caller data (lists, numpy arrays, pandas columns) into
clean float and boolean arrays, and refusing bad input with a message that names
the field and the rule. Nothing is silently dropped or recoded: a missing value,
a negative time or an event code other than 0/1 is an error, because a quiet fix
would change the analysis without anyone deciding it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

ArrayLike = Sequence[float] | npt.NDArray[np.generic] | pd.Series


def survival_arrays(
    time: ArrayLike, event: ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Validated (time, event) arrays: times finite and >= 0, events coded 0/1 or bool."""
    t = _float_array(time, "time")
    if t.size == 0:
        raise ValueError("time: at least one observation is needed")
    if np.any(t < 0):
        raise ValueError(f"time: times must be >= 0; got minimum {t.min()!r}")
    e = event_array(event, "event")
    if e.shape != t.shape:
        raise ValueError(f"event: must have one value per time ({t.size}); got {e.size}")
    return t, e


def event_array(values: ArrayLike, name: str) -> npt.NDArray[np.bool_]:
    """Event indicator as bool; only 0/1 (or True/False) are accepted."""
    raw = np.asarray(values)
    if raw.ndim != 1:
        raise ValueError(f"{name}: must be one-dimensional; got shape {raw.shape}")
    if raw.dtype == bool:
        return raw.astype(bool)
    try:
        num = raw.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: must be coded 0 = censored, 1 = event") from exc
    if np.any(np.isnan(num)):
        raise ValueError(f"{name}: {int(np.isnan(num).sum())} missing value(s)")
    bad = sorted(set(np.unique(num)) - {0.0, 1.0})
    if bad:
        # R's survival data often code status 1 = censored, 2 = dead; refuse, never guess.
        raise ValueError(
            f"{name}: must be coded 0 = censored, 1 = event; found other codes {bad[:5]}"
        )
    return num == 1.0


def labels_array(values: ArrayLike, name: str, n: int) -> npt.NDArray[np.object_]:
    """Group or stratum labels as an object array of length n, with no missing labels."""
    raw = pd.Series(np.asarray(values, dtype=object))
    if raw.size != n:
        raise ValueError(f"{name}: must have one value per time ({n}); got {raw.size}")
    if raw.isna().any():
        raise ValueError(f"{name}: {int(raw.isna().sum())} missing value(s)")
    return raw.to_numpy(dtype=object)


def _float_array(values: ArrayLike, name: str) -> npt.NDArray[np.float64]:
    raw = np.asarray(values)
    if raw.ndim != 1:
        raise ValueError(f"{name}: must be one-dimensional; got shape {raw.shape}")
    try:
        out = raw.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: must be numbers") from exc
    if np.any(np.isnan(out)):
        raise ValueError(f"{name}: {int(np.isnan(out).sum())} missing value(s)")
    if np.any(np.isinf(out)):
        raise ValueError(f"{name}: values must be finite")
    return out
