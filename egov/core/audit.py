"""The audit log: append-only and hash-chained, written explicitly by every service.

Each entry's hash covers its fields and the previous entry's hash, so changing or removing any
entry breaks the chain from there on; `manage.py verify_audit` walks it. The database refuses
UPDATE and DELETE on the table (migration 0002), so tampering needs owner rights and shows.
"""

import contextlib
import contextvars
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from egov.core.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("egov_request_id", default="")


@contextlib.contextmanager
def request_context(request_id: str) -> Iterator[None]:
    """Attach a request id to every audit entry written inside the block."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


def _normalise(data: Any) -> Any:
    """Return data as it will come back from a JSON column, so the hash is reproducible."""
    if data is None:
        return None
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def compute_hash(fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    unit_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the transaction that makes the change it describes."""
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor_id=actor.pk if is_user else None,
            actor_label=actor.get_username() if is_user else "system",
            action=action,
            object_type=object_type,
            object_id=object_id,
            unit_id=unit_id,
            before=_normalise(before),
            after=_normalise(after),
            request_id=_request_id.get(),
            prev_hash=head.last_hash,
        )
        entry.hash = compute_hash(entry.chained_fields())
        entry.save(force_insert=True)
        head.last_seq, head.last_hash = entry.seq, entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


def verify_chain(*, batch_size: int = 5000) -> tuple[int, list[ChainProblem]]:
    """Walk the whole chain; return the number of entries checked and every problem found."""
    problems: list[ChainProblem] = []
    expected_seq, expected_prev = 1, GENESIS_HASH
    checked = 0
    last_seen = 0
    while True:
        batch = list(AuditEntry.objects.filter(seq__gt=last_seen).order_by("seq")[:batch_size])
        if not batch:
            break
        for entry in batch:
            checked += 1
            if entry.seq != expected_seq:
                problems.append(
                    ChainProblem(expected_seq, f"entries {expected_seq}–{entry.seq - 1} are missing")
                )
            if entry.prev_hash != expected_prev:
                problems.append(ChainProblem(entry.seq, "link to the previous entry is broken"))
            if compute_hash(entry.chained_fields()) != entry.hash:
                problems.append(ChainProblem(entry.seq, "content does not match its hash"))
            expected_seq, expected_prev = entry.seq + 1, entry.hash
            last_seen = entry.seq
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != expected_prev):
        problems.append(ChainProblem(head.last_seq, "the newest entries were removed"))
    return checked, problems


def entries_for(target: models.Model) -> models.QuerySet[AuditEntry]:
    """The audit trail of one object, oldest first."""
    return AuditEntry.objects.filter(object_type=target._meta.label_lower, object_id=str(target.pk))


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of an instance, for an entry's before/after."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        values[name] = value.isoformat() if isinstance(value, datetime) else value
    return values
