"""What can go wrong talking to a national system, split by what the caller should do next.

`IntegrationUnavailable` means "try again later" (network, timeout, 5xx, our token refused);
`IntegrationRejected` means "this request will never succeed as it is" (4xx): do not retry.
"""

from django.utils.translation import gettext_lazy as _


class IntegrationError(Exception):
    """Base of every failure of an adapter to a national system."""


class IntegrationUnavailable(IntegrationError):  # noqa: N818 — names fixed by the integration contract
    """The system could not be reached or failed (network error, timeout, 5xx): retry later."""


class IntegrationAuthFailed(IntegrationUnavailable):
    """The system refused our credentials (401/403).

    A wrong or expired token is our configuration's fault, not the request's: once an operator
    fixes EGOV_*_TOKEN the same request succeeds, so it is retried like an outage (and alerted on).
    """


class IntegrationRejected(IntegrationError):  # noqa: N818
    """The system refused this request for good (4xx other than auth): do not retry it."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class IntegrationProtocolError(IntegrationError):
    """The system answered something we cannot trust (not JSON, missing fields, inconsistent)."""


# What an officer reads about a failed call (stored as "<code>: <technical detail>"; the detail is
# for the administrator and the logs, never shown on a working page).
FAILURE_MESSAGES = {
    "unavailable": _("The service could not be reached; egov tries again automatically."),
    "auth_failed": _("The service refused egov's credentials; the administrator must check the connection."),
    "rejected": _("The service refused this message; it will not be sent again."),
    "protocol": _("The service gave an answer egov cannot use; egov tries again automatically."),
    "invalid": _("The recipient's address or number is not valid."),
    "gave_up": _(
        "The service stayed unreachable through every retry, so egov stopped trying; "
        "an administrator can send it again."
    ),
}
GENERIC_FAILURE = _("Sending failed; egov tries again automatically.")


def failure_code(error: BaseException) -> str:
    """The kind of failure, for FAILURE_MESSAGES (most specific class first)."""
    from django.core.exceptions import ValidationError

    for kind, code in (
        (IntegrationAuthFailed, "auth_failed"),
        (IntegrationUnavailable, "unavailable"),
        (IntegrationRejected, "rejected"),
        (IntegrationProtocolError, "protocol"),
        (ValidationError, "invalid"),
    ):
        if isinstance(error, kind):
            return code
    return "unavailable"  # OSError and SMTP failures: the mail server could not be reached


def failure_record(error: BaseException) -> str:
    """The text kept on the outbox row: the code, then the technical detail."""
    return f"{failure_code(error)}: {type(error).__name__}: {error}"[:1000]


def failure_message(record: str) -> str:
    """The officer's sentence for a stored failure record (any language the page is in)."""
    code = record.split(":", 1)[0]
    return str(FAILURE_MESSAGES.get(code, GENERIC_FAILURE))
