"""Events and patients for a two-arm time-to-event comparison, and when the events arrive.

This module owns the fixed-design arithmetic of a log-rank comparison:

- required events by Schoenfeld (1983) and by Freedman (1982), one- or
  two-sided, any allocation ratio, unrounded (round up yourself);
- the probability that a patient's event is observed, with uniform accrual
  over `accrual_time`, a further `follow_up`, an exponential event hazard and
  an independent exponential dropout hazard (a competing risk);
- patients from events (rpact / Lachin-Foulkes-style accounting: N = D / P);
- expected events by calendar time and the calendar time at which D events
  are expected, from the accrual rate, the arms' medians and dropout.

Allocation: `ratio` is experimental:control (2 means two experimental
patients per control). The experimental fraction is p = ratio / (1 + ratio),
so 1:1 gives p(1 - p) = 1/4. Schoenfeld's formula depends on ratio only
through p(1 - p); Freedman's uses the ratio and the hazard ratio
experimental/control directly, as lifelines' ``sample_size_necessary_under_cph``
does. Time is in any one unit (months in this project) used for every argument.

Formulas (see ``statistics-and-standards.md`` section 3.1):
Schoenfeld D = (z_{1-alpha/s} + z_{power})^2 / (p (1 - p) (log HR)^2);
Freedman D = (z_{1-alpha/s} + z_{power})^2 (1 + r HR)^2 / (r (1 - HR)^2).
Sources: Schoenfeld, Biometrics 39:499 (1983); Freedman, Stat Med 1:121
(1982); Lachin & Foulkes, Biometrics 42:507 (1986); rpact
``getSampleSizeSurvival``; gsDesign ``nEvents``.
"""

from __future__ import annotations

import math

from scipy import optimize
from scipy.stats import norm


def _check_positive(value: float, name: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    if value <= 0.0:
        raise ValueError(f"{name} must be greater than 0; got {value!r}")
    return float(value)


def _check_non_negative(value: float, name: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    if value < 0.0:
        raise ValueError(f"{name} must be 0 or more; got {value!r}")
    return float(value)


def _check_probability(value: float, name: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0.0 < value < 1.0:
        raise ValueError(f"{name} must lie strictly between 0 and 1; got {value!r}")
    return float(value)


def _z_sum(alpha: float, power: float, sided: int) -> float:
    _check_probability(alpha, "alpha")
    _check_probability(power, "power")
    if sided not in (1, 2):
        raise ValueError(f"sided must be 1 or 2; got {sided!r}")
    return float(norm.ppf(1.0 - alpha / sided) + norm.ppf(power))


def _check_hr(hr: float) -> float:
    hr = _check_positive(hr, "hr")
    if hr == 1.0:
        raise ValueError("hr must differ from 1 (no events can detect a hazard ratio of 1)")
    return hr


def experimental_fraction(ratio: float) -> float:
    """p = ratio / (1 + ratio): the share of patients allocated to the experimental arm."""
    ratio = _check_positive(ratio, "ratio")
    return ratio / (1.0 + ratio)


def schoenfeld_events(
    hr: float, alpha: float, power: float, sided: int = 2, ratio: float = 1
) -> float:
    """Events needed by Schoenfeld's formula (unrounded).

    HR 0.6, two-sided alpha 0.05, power 0.8, 1:1 gives 120.32.
    """
    z = _z_sum(alpha, power, sided)
    p = experimental_fraction(ratio)
    return z * z / (p * (1.0 - p) * math.log(_check_hr(hr)) ** 2)


def freedman_events(
    hr: float, alpha: float, power: float, sided: int = 2, ratio: float = 1
) -> float:
    """Events needed by Freedman's formula (unrounded).

    HR 0.6, two-sided alpha 0.05, power 0.8, 1:1 gives 125.58.
    """
    z = _z_sum(alpha, power, sided)
    hr = _check_hr(hr)
    r = _check_positive(ratio, "ratio")
    return z * z * (1.0 + r * hr) ** 2 / (r * (1.0 - hr) ** 2)


def schoenfeld_power(
    hr: float, events: float, alpha: float, sided: int = 2, ratio: float = 1
) -> float:
    """Approximate power of the log-rank test with `events` events (Schoenfeld).

    Two-sided power counts rejections in the favourable direction only, as the
    event formulas do.
    """
    _check_probability(alpha, "alpha")
    if sided not in (1, 2):
        raise ValueError(f"sided must be 1 or 2; got {sided!r}")
    drift = expected_z(hr, events, ratio)
    return float(norm.cdf(drift - norm.ppf(1.0 - alpha / sided)))


def expected_z(hr: float, events: float, ratio: float = 1) -> float:
    """E[Z] of the log-rank statistic with `events` events: -log(HR) sqrt(D p (1 - p)).

    Positive when the experimental arm does better (HR < 1); this is the
    drift that `group_sequential` boundaries are computed for.
    """
    hr = _check_positive(hr, "hr")
    events = _check_positive(events, "events")
    p = experimental_fraction(ratio)
    return -math.log(hr) * math.sqrt(events * p * (1.0 - p))


def hazard_from_median(median: float) -> float:
    """Exponential hazard with this median: log(2) / median."""
    return math.log(2.0) / _check_positive(median, "median")


def hazard_from_probability(probability: float, time: float) -> float:
    """Exponential hazard giving `probability` of the event by `time`: -log(1 - p) / time.

    Use it for rpact's ``pi1``/``pi2`` at ``eventTime`` and for a dropout rate
    such as 5 % a year (``hazard_from_probability(0.05, 12)`` in months).
    """
    probability = _check_probability(probability, "probability")
    return -math.log1p(-probability) / _check_positive(time, "time")


def event_probability(
    hazard: float, accrual_time: float, follow_up: float, dropout_hazard: float = 0.0
) -> float:
    """Probability that a patient's event is observed by the end of the study.

    Entry is uniform over [0, accrual_time] and the study ends `follow_up`
    after the last entry, so each patient is followed between `follow_up` and
    `accrual_time + follow_up`. With event hazard l and dropout hazard e
    (k = l + e), P = l/k (1 - [e^{-k f} - e^{-k (a + f)}] / (k a)); for
    a = 0 it is l/k (1 - e^{-k f}).
    """
    lam = _check_positive(hazard, "hazard")
    a = _check_non_negative(accrual_time, "accrual_time")
    f = _check_non_negative(follow_up, "follow_up")
    eta = _check_non_negative(dropout_hazard, "dropout_hazard")
    if a + f == 0.0:
        raise ValueError("accrual_time and follow_up cannot both be 0 (no one is followed)")
    k = lam + eta
    if a == 0.0:
        unobserved = math.exp(-k * f)
    else:
        unobserved = (math.exp(-k * f) - math.exp(-k * (a + f))) / (k * a)
    return lam / k * (1.0 - unobserved)


def average_event_probability(
    hazard_control: float,
    hazard_ratio: float,
    accrual_time: float,
    follow_up: float,
    dropout_hazard: float = 0.0,
    ratio: float = 1,
) -> float:
    """Event probability averaged over the two arms, weighted by allocation."""
    p = experimental_fraction(ratio)
    lam_c = _check_positive(hazard_control, "hazard_control")
    lam_e = lam_c * _check_positive(hazard_ratio, "hazard_ratio")
    return (1.0 - p) * event_probability(lam_c, accrual_time, follow_up, dropout_hazard) + (
        p * event_probability(lam_e, accrual_time, follow_up, dropout_hazard)
    )


def patients_for_events(
    events: float,
    *,
    hazard_control: float,
    hazard_ratio: float,
    accrual_time: float,
    follow_up: float,
    dropout_hazard: float = 0.0,
    ratio: float = 1,
) -> float:
    """Patients to enrol so that `events` events are expected (unrounded): N = D / P.

    rpact ``getSampleSizeSurvival(alpha = 0.01)``, pi1 = 0.4 vs pi2 = 0.2 at
    12 months, accrual 12, follow-up 6: 58.52451 events need 197.78666 patients.
    """
    events = _check_positive(events, "events")
    return events / average_event_probability(
        hazard_control, hazard_ratio, accrual_time, follow_up, dropout_hazard, ratio
    )


def _arm_events(time: float, n: float, accrual_time: float, hazard: float, dropout: float) -> float:
    """Expected events by calendar `time` among `n` patients entering uniformly."""
    if time <= 0.0 or n == 0.0:
        return 0.0
    k = hazard + dropout
    if accrual_time == 0.0:
        return n * hazard / k * -math.expm1(-k * time)
    m = min(time, accrual_time)
    # integral over entry s in [0, m] of 1 - exp(-k (time - s)), per unit of accrual time
    tail = (math.exp(-k * (time - m)) - math.exp(-k * time)) / k
    return n / accrual_time * hazard / k * (m - tail)


def expected_events(
    time: float,
    *,
    n_patients: float,
    accrual_rate: float,
    median_control: float,
    median_experimental: float,
    dropout_hazard: float = 0.0,
    ratio: float = 1,
) -> float:
    """Expected events by calendar `time` (from the first entry).

    `n_patients` enter uniformly at `accrual_rate` patients per time unit
    (accrual lasts n_patients / accrual_rate); each arm has an exponential
    event time with its median, and every patient an exponential dropout.
    """
    time = _check_non_negative(time, "time")
    n = _check_positive(n_patients, "n_patients")
    a = n / _check_positive(accrual_rate, "accrual_rate")
    eta = _check_non_negative(dropout_hazard, "dropout_hazard")
    p = experimental_fraction(ratio)
    lam_c = hazard_from_median(median_control)
    lam_e = hazard_from_median(median_experimental)
    return _arm_events(time, n * (1.0 - p), a, lam_c, eta) + _arm_events(time, n * p, a, lam_e, eta)


def time_to_events(
    events: float,
    *,
    n_patients: float,
    accrual_rate: float,
    median_control: float,
    median_experimental: float,
    dropout_hazard: float = 0.0,
    ratio: float = 1,
) -> float:
    """Calendar time (from the first entry) at which `events` events are expected.

    Raises ValueError when the cohort can never produce that many events (with
    dropout, the expected total is below n_patients).
    """
    events = _check_positive(events, "events")
    args = {
        "n_patients": n_patients,
        "accrual_rate": accrual_rate,
        "median_control": median_control,
        "median_experimental": median_experimental,
        "dropout_hazard": dropout_hazard,
        "ratio": ratio,
    }
    accrual_time = _check_positive(n_patients, "n_patients") / _check_positive(
        accrual_rate, "accrual_rate"
    )
    p = experimental_fraction(ratio)
    eta = _check_non_negative(dropout_hazard, "dropout_hazard")
    lam_c = hazard_from_median(median_control)
    lam_e = hazard_from_median(median_experimental)
    ceiling = _check_positive(n_patients, "n_patients") * (
        (1.0 - p) * lam_c / (lam_c + eta) + p * lam_e / (lam_e + eta)
    )
    if events >= ceiling:
        raise ValueError(
            f"events: {events:g} events are never reached; {n_patients:g} patients are "
            f"expected to give {ceiling:.1f} events in all"
        )
    hi = accrual_time + 1.0
    while expected_events(hi, **args) < events:
        hi *= 2.0
    return float(
        optimize.brentq(lambda t: expected_events(t, **args) - events, 0.0, hi, xtol=1e-10)
    )
