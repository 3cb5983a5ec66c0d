"""A withdrawal of consent for samples and data flags the participant's specimens.

The receiver runs inside the transaction of the withdrawal's own
`save_record`, so the withdrawal and the flags are written together or not
at all. The flags are audited as made by the system, with the withdrawal date
as their reason.
"""

from __future__ import annotations

from typing import Any

from oncotrial.consent.models import Withdrawal


def withdrawal_saved(sender: type, instance: Withdrawal, **kwargs: Any) -> None:
    if instance.voided_at is None and instance.scope == Withdrawal.Scope.SAMPLES_AND_DATA:
        from oncotrial.biobank.services import flag_for_withdrawal

        flag_for_withdrawal(instance)
