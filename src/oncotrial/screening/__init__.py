"""Screening: the evidence for every eligibility criterion, its evaluation by
the protocol's rule library, the investigator's signature, screen failures
and re-screening."""
