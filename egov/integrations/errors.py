"""What can go wrong talking to a national system, split by what the caller should do next.

`IntegrationUnavailable` means "try again later" (network, timeout, 5xx, our token refused);
`IntegrationRejected` means "this request will never succeed as it is" (4xx): do not retry.
"""


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
