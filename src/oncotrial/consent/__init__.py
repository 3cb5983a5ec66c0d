"""Informed consent: the document version signed, who obtained it, the
optional consents, and withdrawals with their scope."""
