"""`oncotrial design events|bounds|simulate`: the trial's design tools on the command line.

A thin shell over the pure design package (no database is touched):

* `events`: events needed by Schoenfeld and by Freedman (unrounded), and,
  given accrual and medians, the patients needed and the expected events;
* `bounds`: group-sequential efficacy bounds of one kind, or of every kind;
* `simulate`: Monte Carlo operating characteristics of a (group-sequential)
  log-rank design, with a progress bar on stderr and `--plot FILE.png`.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncotrial.design import group_sequential, sample_size
from oncotrial.web.cohort_loader import ProgressBar

KINDS = {
    "obrien_fleming": "O'Brien-Fleming (classic)",
    "pocock": "Pocock (classic)",
    "haybittle_peto": "Haybittle-Peto (3.0 at interims)",
    "ld_obrien_fleming": "Lan-DeMets spending, O'Brien-Fleming type",
    "ld_pocock": "Lan-DeMets spending, Pocock type",
}


def _floats(text: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise CommandError(f"expected numbers separated by commas, got {text!r}") from exc


class Command(BaseCommand):
    help = "Design tools: events and sample size, group-sequential bounds, simulations."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="tool", required=True, parser_class=CommandParser)

        events = sub.add_parser("events", help="Events (and patients) needed for a hazard ratio.")
        events.add_argument("--hr", type=float, required=True, help="Hazard ratio to detect.")
        events.add_argument("--alpha", type=float, default=0.05, help="Type I error (0.05).")
        events.add_argument("--power", type=float, default=0.8, help="Power (0.8).")
        events.add_argument("--sided", type=int, choices=[1, 2], default=2, help="1 or 2 (2).")
        events.add_argument(
            "--ratio", type=float, default=1.0, help="Experimental:control allocation (1)."
        )
        events.add_argument(
            "--median-control", type=float, help="Median time to event, control arm (months)."
        )
        events.add_argument("--accrual", type=float, help="Accrual time (months).")
        events.add_argument("--follow-up", type=float, help="Follow-up after accrual (months).")
        events.add_argument("--n", type=int, help="Patients, for the expected events.")
        events.add_argument(
            "--dropout", type=float, default=0.0, help="Dropout hazard per month (0)."
        )

        bounds = sub.add_parser("bounds", help="Group-sequential efficacy bounds (z scale).")
        bounds.add_argument("--k", type=int, required=True, help="Number of looks.")
        bounds.add_argument("--alpha", type=float, default=0.05, help="Overall alpha (0.05).")
        bounds.add_argument("--sided", type=int, choices=[1, 2], default=2, help="1 or 2 (2).")
        bounds.add_argument(
            "--kind", choices=[*KINDS, "all"], default="all", help="Boundary kind (all)."
        )
        bounds.add_argument("--timing", help="Information fractions, e.g. 0.5,1 (equal).")

        sim = sub.add_parser("simulate", help="Monte Carlo operating characteristics.")
        sim.add_argument("--n", type=int, default=120, help="Patients per trial (120).")
        sim.add_argument("--accrual", type=float, default=36.0, help="Accrual time, months (36).")
        sim.add_argument(
            "--median-control", type=float, default=6.0, help="Control median, months (6)."
        )
        sim.add_argument("--hr", type=float, default=0.6, help="True hazard ratio (0.6).")
        sim.add_argument("--dropout", type=float, default=0.0, help="Dropout hazard per month.")
        sim.add_argument("--events", required=True, help="Events at each look, e.g. 60,120.")
        sim.add_argument("--alpha", type=float, default=0.025, help="One-sided alpha (0.025).")
        sim.add_argument(
            "--kind", choices=list(KINDS), default="obrien_fleming", help="Boundary kind."
        )
        sim.add_argument("--trials", type=int, default=10_000, help="Simulated trials (10000).")
        sim.add_argument("--seed", type=int, default=1, help="Random seed (1).")
        sim.add_argument(
            "--null", action="store_true", help="Also simulate HR 1 for the type I error."
        )
        sim.add_argument("--plot", help="Write the plotted summary to this PNG file.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['tool']}")(options)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

    def _events(self, o: dict[str, Any]) -> None:
        common = {
            "alpha": o["alpha"],
            "power": o["power"],
            "sided": o["sided"],
            "ratio": o["ratio"],
        }
        schoenfeld = sample_size.schoenfeld_events(o["hr"], **common)
        freedman = sample_size.freedman_events(o["hr"], **common)
        self.stdout.write(
            f"HR {o['hr']:g}, alpha {o['alpha']:g} ({o['sided']}-sided), power {o['power']:g}, "
            f"allocation {o['ratio']:g}:1"
        )
        self.stdout.write(f"  Schoenfeld events: {schoenfeld:.1f}  (unrounded {schoenfeld:.4f})")
        self.stdout.write(f"  Freedman events:   {freedman:.1f}  (unrounded {freedman:.4f})")
        if o["median_control"] is None or o["accrual"] is None or o["follow_up"] is None:
            return
        median_exp = o["median_control"] / o["hr"]
        n = sample_size.patients_for_events(
            schoenfeld,
            hazard_control=sample_size.hazard_from_median(o["median_control"]),
            hazard_ratio=o["hr"],
            accrual_time=o["accrual"],
            follow_up=o["follow_up"],
            dropout_hazard=o["dropout"],
            ratio=o["ratio"],
        )
        self.stdout.write(
            f"  Patients for {schoenfeld:.1f} events over {o['accrual']:g} months of accrual "
            f"and {o['follow_up']:g} of follow-up: {n:.1f}"
        )
        if o["n"]:
            expected = sample_size.expected_events(
                o["accrual"] + o["follow_up"],
                n_patients=o["n"],
                accrual_rate=o["n"] / o["accrual"],
                median_control=o["median_control"],
                median_experimental=median_exp,
                dropout_hazard=o["dropout"],
                ratio=o["ratio"],
            )
            self.stdout.write(f"  Expected events with {o['n']} patients: {expected:.1f}")

    def _bounds(self, o: dict[str, Any]) -> None:
        timing = _floats(o["timing"]) if o["timing"] else None
        kinds = list(KINDS) if o["kind"] == "all" else [o["kind"]]
        self.stdout.write(
            f"K = {o['k']} looks, alpha {o['alpha']:g} ({o['sided']}-sided), efficacy bounds (z):"
        )
        for kind in kinds:
            values = group_sequential.bounds(o["k"], o["alpha"], kind, o["sided"], timing)
            text = "  ".join(f"{v:.3f}" for v in values)
            self.stdout.write(f"  {KINDS[kind]:<44} {text}")

    def _simulate(self, o: dict[str, Any]) -> None:
        from oncotrial.design.operating_characteristics import operating_characteristics
        from oncotrial.design.survival_trials import SurvivalScenario

        looks = [int(x) for x in _floats(o["events"])]
        efficacy = group_sequential.bounds(len(looks), o["alpha"], o["kind"], 1)
        hrs = [o["hr"], 1.0] if o["null"] else [o["hr"]]
        results = []
        for hr in hrs:
            scenario = SurvivalScenario(
                n_patients=o["n"],
                accrual_time=o["accrual"],
                median_control=o["median_control"],
                hazard_ratio=hr,
                dropout_hazard=o["dropout"],
            )
            bar = ProgressBar(f"HR {hr:g}", stream=sys.stderr)
            started = time.perf_counter()
            result = operating_characteristics(
                scenario,
                efficacy=efficacy,
                events=looks,
                n_trials=o["trials"],
                seed=o["seed"],
                chunk_size=min(10_000, max(1, o["trials"] // 20)),
                progress=bar,
            )
            bar.finish()
            results.append(result)
            label = "power" if hr != 1 else "type I error"
            self.stdout.write(
                f"HR {hr:g}: {label} {result.reject_rate:.4f} (MC SE {result.reject_se:.4f}) "
                f"over {o['trials']} trials in {time.perf_counter() - started:.1f} s"
            )
            self.stdout.write(
                "  stop at look: " + "  ".join(f"{p:.3f}" for p in result.stop_probability)
            )
            self.stdout.write(
                f"  expected events {result.expected_events:.1f}, duration "
                f"{result.expected_duration:.1f} months, patients {result.expected_patients:.1f}"
            )
        self.stdout.write(
            f"Bounds ({KINDS[o['kind']]}, one-sided alpha {o['alpha']:g}): "
            + "  ".join(f"{v:.3f}" for v in efficacy)
        )
        if o["plot"]:
            from oncotrial.design.operating_characteristics_plot import (
                plot_operating_characteristics,
            )

            plot_operating_characteristics(results, o["plot"])
            self.stdout.write(f"Plot written to {o['plot']}")
