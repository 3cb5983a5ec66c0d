"""Participants: the people screened at a site, from registration on."""
