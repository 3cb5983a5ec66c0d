"""`oncotrial design`: events, bounds and simulations on the command line."""

from __future__ import annotations

from django.core.management import call_command


def test_schoenfeld_events_for_hr_0_6(capsys) -> None:
    # Schoenfeld (1983): HR 0.6, two-sided alpha 0.05, power 0.8 -> 120.3 events.
    call_command("design", "events", "--hr", "0.6", "--alpha", "0.05", "--power", "0.8")
    out = capsys.readouterr().out
    assert "Schoenfeld events: 120.3" in out
    assert "Freedman events:   125.6" in out


def test_classic_obrien_fleming_two_looks(capsys) -> None:
    # Jennison & Turnbull (2000) Table 2.3, K = 2, two-sided alpha 0.05: 2.797 and 1.977.
    call_command("design", "bounds", "--k", "2", "--alpha", "0.05", "--sided", "2")
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "O'Brien-Fleming (classic)" in x)
    assert line.split()[-2:] == ["2.797", "1.977"]


def test_simulation_prints_power_and_writes_the_plot(capsys, tmp_path) -> None:
    plot = tmp_path / "oc.png"
    call_command(
        "design", "simulate", "--events", "60,120", "--trials", "2000", "--null",
        "--plot", str(plot),
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "HR 0.6: power" in out and "HR 1: type I error" in out
    assert plot.stat().st_size > 0
