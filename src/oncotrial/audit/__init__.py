"""The audit trail: an append-only, hash-chained log of every change.

Owns `AuditEvent` (one row per change, login or permission change), the
`AuditedModel` base that refuses any write which does not pass through
`oncotrial.audit.services`, and the chain verification.
"""
