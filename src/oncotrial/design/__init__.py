"""Design core: pure trial-design tools, no Django (DESIGN.md; issue 9).

* `cohort`: a seeded synthetic ESO-RT cohort from a scenario file, through the
  platform's own eligibility, allocation, RECIST and CTCAE engines, exported
  as the tidy per-domain tables;
* `sample_size`: events by Schoenfeld and Freedman, event probability with
  accrual, follow-up and dropout, patients from events, calendar time to D events;
* `group_sequential`: efficacy bounds (classic O'Brien-Fleming, Pocock,
  Haybittle-Peto, Lan-DeMets spending), non-binding beta-spending futility
  bounds, alpha spent and boundary-crossing probabilities;
* `survival_trials`: many simulated two-arm survival trials and their data at
  an analysis cut-off;
* `logrank`: the log-rank test for many trials at once (numpy);
* `operating_characteristics`: Monte Carlo power, type I error, stopping
  probabilities, expected events and duration;
* `operating_characteristics_plot`: the plotted summary (matplotlib, Agg).
"""
