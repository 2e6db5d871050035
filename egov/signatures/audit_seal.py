"""The audit anchors' seal: an RFC 3161 time-stamp from the TSA (egov.core.audit_anchors).

The token is the TSA's CMS signature over the checkpoint's SHA-256 and the time; it verifies
against the configured trust roots (the TSA's key is not the database administrator's). The TSA
is the one PAdES B-T uses (validation.default_timestamper).
"""

import asyncio
import datetime as dt
import time
from typing import Any

from asn1crypto import cms
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko_certvalidator import ValidationContext

from egov.core.audit_anchors import SealError
from egov.signatures import validation


class TimestampSealer:
    def __init__(self) -> None:
        self._context: tuple[float, ValidationContext] | None = None

    def _validation_context(self) -> ValidationContext:
        """One context for a minute: verify_audit checks thousands of tokens of the same TSA, and
        the context caches the TSA's chain and revocation answers (revocations still show within
        that minute's delay)."""
        now = time.monotonic()
        if self._context is None or now - self._context[0] > 60:
            self._context = (now, validation.validation_context())
        return self._context[1]

    def seal(self, digest: bytes) -> bytes:
        stamper = validation.default_timestamper()
        try:
            token = validation.outside_event_loop(lambda: _run(stamper.async_timestamp(digest, "sha256")))
        except Exception as error:  # the TSA unreachable or refusing: say so, write nothing
            raise SealError(f"the time-stamp authority did not answer: {error}") from error
        return bytes(token.dump())

    def check(self, digest: bytes, token: bytes) -> dt.datetime:
        try:
            info = cms.ContentInfo.load(token)
            signed = info["content"]
            context = self._validation_context()
            status: dict[str, Any] = validation.outside_event_loop(
                lambda: _run(validate_tst_signed_data(signed, context, lambda _algorithm: digest))
            )
        except Exception as error:  # a token that does not even parse is as bad as a forged one
            raise SealError(f"unreadable token ({error.__class__.__name__})") from error
        if not status.get("intact"):
            raise SealError("the token does not cover this checkpoint")
        if not status.get("valid"):
            raise SealError("the TSA's signature is invalid")
        if status.get("trust_problem_indic") is not None or status.get("validation_path") is None:
            raise SealError("the TSA is not trusted")
        moment: dt.datetime = status["timestamp"]
        return moment


def _run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)
