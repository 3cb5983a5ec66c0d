"""Adverse events graded by CTCAE v5.0, their attribution to each intervention
received, seriousness, and the expedited-reporting deadlines of serious events."""
