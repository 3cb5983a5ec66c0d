"""The clinical course after allocation: visits, systemic therapy cycles,
radiotherapy with MDT decisions, progression, follow-up and protocol
deviations."""
