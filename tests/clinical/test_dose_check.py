"""Expected dose ranges per agent: inside passes, outside asks for confirmation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oncotrial.clinical.dose_check import dose_warning, expected_dose


def test_paclitaxel_range_scales_with_bsa_and_tolerance() -> None:
    # 135-175 mg/m2 x 1.82 m2 = 245.7-318.5 mg, +/-10 % = 221.13-350.35 mg.
    expected = expected_dose(
        basis="mg_per_m2", low=135, high=175, tolerance_percent=10, bsa_m2=Decimal("1.82")
    )
    assert expected.low_mg == Decimal("221.130") and expected.high_mg == Decimal("350.350")
    assert dose_warning("paclitaxel", Decimal("318"), expected) is None
    assert dose_warning("paclitaxel", Decimal("350.35"), expected) is None  # the edge is inside
    warning = dose_warning("paclitaxel", Decimal("3180"), expected)
    assert "3180 mg of paclitaxel is outside the expected 221–350 mg" in str(warning)


def test_carboplatin_uses_calvert_with_the_capped_clearance() -> None:
    # AUC 5-6 x (125 + 25) = 750-900 mg with a clearance capped at 125 mL/min.
    expected = expected_dose(
        basis="auc", low=5, high=6, tolerance_percent=0, gfr_ml_per_min=Decimal(140)
    )
    assert (expected.low_mg, expected.high_mg) == (Decimal(750), Decimal(900))


def test_sintilimab_weight_band() -> None:
    light = expected_dose(
        basis="sintilimab_weight_band",
        low=200,
        high=200,
        tolerance_percent=0,
        weight_kg=Decimal(50),
    )
    heavy = expected_dose(
        basis="sintilimab_weight_band",
        low=200,
        high=200,
        tolerance_percent=0,
        weight_kg=Decimal(60),
    )
    assert light.low_mg == Decimal(150) and heavy.low_mg == Decimal(200)


@pytest.mark.parametrize("basis", ["mg_per_m2", "auc", "mg_per_kg"])
def test_a_missing_measure_asks_for_confirmation(basis: str) -> None:
    expected = expected_dose(basis=basis, low=1, high=2, tolerance_percent=10)
    assert expected is None
    assert "cannot be computed" in str(dose_warning("x", Decimal(1), expected))


def test_fractional_measures_give_exact_ranges() -> None:
    """Calvert and the sintilimab band return exact fractions for exact inputs."""
    # AUC 5 x (87.5 + 25) = 562.5 mg; sintilimab 3 mg/kg x 55.5 kg = 166.5 mg.
    carboplatin = expected_dose(
        basis="auc", low=5, high=5, tolerance_percent=0, gfr_ml_per_min=Decimal("87.5")
    )
    assert carboplatin.low_mg == Decimal("562.5")
    sintilimab = expected_dose(
        basis="sintilimab_weight_band",
        low=200,
        high=200,
        tolerance_percent=0,
        weight_kg=Decimal("55.5"),
    )
    assert sintilimab.low_mg == Decimal("166.5")
