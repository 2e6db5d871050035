"""Every change to a dossier: receipt, routing, processing, the clock, the result.

Each service checks the action is allowed in the dossier's status and for the acting user,
changes the row, writes the event (the timeline and control slip), the audit entry, the
applicant's notifications and the national-portal sync row — all in one transaction.
Call the services that take a `dossier` with the row locked
(`get_dossier_for_user(..., for_update=True)` inside `transaction.atomic()`).

One module per use case; this package's names below are the interface the views, the API,
the online channel and the demo call (`from egov.dossiers import services`).
"""

from egov.dossiers.services.clock import (
    extend_deadline,
    receive_supplement,
    request_supplement,
    stop_processing,
    withdraw_dossier,
)
from egov.dossiers.services.consultation import answer_consultation, consult_units
from egov.dossiers.services.fees import (
    PAYABLE_STATUSES,
    charge_for,
    payment_refusal,
    payment_refusal_text,
    record_fee_payment,
    request_payment,
)
from egov.dossiers.services.intake import (
    EXEMPTIONS,
    Applicant,
    ComponentInput,
    DeskOutcome,
    accept_after_supplement,
    accept_received,
    check_applicant,
    competent_unit_for,
    create_dossier_row,
    record_online_submission,
    register_at_desk,
    replace_documents,
)
from egov.dossiers.services.originals import (
    originals_held,
    originals_not_taken,
    return_originals,
    take_originals,
)
from egov.dossiers.services.papers import repin_paper
from egov.dossiers.services.processing import (
    assign_dossier,
    complete_step,
    forward_dossier,
    record_appraisal,
    send_back,
    transfer_dossier,
)
from egov.dossiers.services.results import (
    attach_result,
    generate_result,
    is_immediate,
    refuse_after_appraisal,
    resolve_at_desk,
    return_result,
)
from egov.dossiers.services.transitions import (
    NOTIFIED,
    OPEN_BEFORE_RESULT,
    SUPPLEMENT_KINDS,
    change_status,
    check_supplement_request,
    current_step,
    enter_step,
    notify,
    notify_applicant,
    portal_payload,
    queue_portal_sync,
    record_event,
    require_status,
    resolve,
    steps_of,
)

__all__ = [
    "EXEMPTIONS",
    "NOTIFIED",
    "OPEN_BEFORE_RESULT",
    "PAYABLE_STATUSES",
    "SUPPLEMENT_KINDS",
    "Applicant",
    "ComponentInput",
    "DeskOutcome",
    "accept_after_supplement",
    "accept_received",
    "answer_consultation",
    "assign_dossier",
    "attach_result",
    "change_status",
    "charge_for",
    "check_applicant",
    "check_supplement_request",
    "competent_unit_for",
    "complete_step",
    "consult_units",
    "create_dossier_row",
    "current_step",
    "enter_step",
    "extend_deadline",
    "forward_dossier",
    "generate_result",
    "is_immediate",
    "notify",
    "notify_applicant",
    "originals_held",
    "originals_not_taken",
    "payment_refusal",
    "payment_refusal_text",
    "portal_payload",
    "queue_portal_sync",
    "receive_supplement",
    "record_appraisal",
    "record_event",
    "record_fee_payment",
    "record_online_submission",
    "refuse_after_appraisal",
    "register_at_desk",
    "repin_paper",
    "replace_documents",
    "request_payment",
    "request_supplement",
    "require_status",
    "resolve",
    "resolve_at_desk",
    "return_originals",
    "return_result",
    "send_back",
    "steps_of",
    "stop_processing",
    "take_originals",
    "transfer_dossier",
    "withdraw_dossier",
]
