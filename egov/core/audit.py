"""The audit log: append-only and hash-chained, written explicitly by every service.

Each entry's hash covers its fields and the previous entry's hash, so changing or removing any
entry breaks the chain from there on; `manage.py verify_audit` walks it. The database refuses
UPDATE and DELETE on the table (migration 0002), so tampering needs owner rights and shows.

There are `EGOV_AUDIT_CHAINS` independent chains, each with its own head row, so that appends in
different chains never wait on one another (one head for the whole installation serialised every
write). An entry goes to the chain its target (else its unit, else its actor) hashes to; every
later entry of the same transaction joins the chain the transaction already holds, so a
transaction locks one head only and two transactions can never deadlock on heads.
"""

import contextlib
import contextvars
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
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


def chain_for(*, object_type: str, object_id: str, unit_id: int | None, actor_id: int | None) -> int:
    """The chain an entry about this target goes to: stable across processes and restarts."""
    if object_type or object_id:
        basis = f"object:{object_type}:{object_id}"
    elif unit_id is not None:
        basis = f"unit:{unit_id}"
    else:
        basis = f"actor:{actor_id}"
    digest = hashlib.blake2b(basis.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % max(1, int(settings.EGOV_AUDIT_CHAINS))


_HELD = "_egov_audit_chain"


def _held_chain(connection: BaseDatabaseWrapper) -> int | None:
    """The chain whose head this connection's open transaction has locked, if any.

    The marker is an on-commit hook: Django drops it when the transaction (or the savepoint that
    took the lock, whose row lock PostgreSQL then releases) rolls back, and runs it on commit.
    """
    held = getattr(connection, _HELD, None)
    if held is None:
        return None
    chain, marker = held
    if any(hook[1] is marker for hook in connection.run_on_commit):  # (savepoints, func, robust)
        return int(chain)
    return None


def _hold(connection: BaseDatabaseWrapper, chain: int) -> None:
    def forget() -> None:
        if getattr(connection, _HELD, (None, None))[1] is forget:
            setattr(connection, _HELD, None)

    setattr(connection, _HELD, (chain, forget))
    transaction.on_commit(forget)


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
    # No savepoint: an entry that cannot be written must undo the change it describes.
    with transaction.atomic(savepoint=False):
        connection = transaction.get_connection()
        chain = _held_chain(connection)
        if chain is None:
            chain = chain_for(
                object_type=object_type,
                object_id=object_id,
                unit_id=unit_id,
                actor_id=actor.pk if is_user else None,
            )
            _hold(connection, chain)
        # Only this chain's head: appends to the other chains go on meanwhile.
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(chain=chain)
        entry = AuditEntry(
            chain=chain,
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
    chain: int
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"chain {self.chain}, entry #{self.seq}: {self.problem}"


def chains() -> list[int]:
    """Every chain that has a head or an entry."""
    keys = set(AuditChainHead.objects.values_list("chain", flat=True))
    keys.update(AuditEntry.objects.order_by().values_list("chain", flat=True).distinct())
    return sorted(keys)


def _verify_one(chain: int, batch_size: int) -> tuple[int, list[ChainProblem]]:
    problems: list[ChainProblem] = []
    expected_seq, expected_prev = 1, GENESIS_HASH
    checked = 0
    last_seen = 0
    while True:
        batch = list(AuditEntry.objects.filter(chain=chain, seq__gt=last_seen).order_by("seq")[:batch_size])
        if not batch:
            break
        for entry in batch:
            checked += 1
            if entry.seq != expected_seq:
                problems.append(
                    ChainProblem(chain, expected_seq, f"entries {expected_seq}–{entry.seq - 1} are missing")
                )
            if entry.prev_hash != expected_prev:
                problems.append(ChainProblem(chain, entry.seq, "link to the previous entry is broken"))
            if compute_hash(entry.chained_fields()) != entry.hash:
                problems.append(ChainProblem(chain, entry.seq, "content does not match its hash"))
            expected_seq, expected_prev = entry.seq + 1, entry.hash
            last_seen = entry.seq
    head = AuditChainHead.objects.filter(chain=chain).first()
    if head is None:
        if checked:
            problems.append(ChainProblem(chain, expected_seq - 1, "the chain's head row is missing"))
    elif head.last_seq != expected_seq - 1 or head.last_hash != expected_prev:
        problems.append(ChainProblem(chain, head.last_seq, "the newest entries were removed"))
    return checked, problems


def verify_chain(*, batch_size: int = 5000) -> tuple[int, list[ChainProblem]]:
    """Walk every chain; return the number of entries checked and every problem found."""
    checked, problems = 0, []
    for chain in chains():
        count, found = _verify_one(chain, batch_size)
        checked += count
        problems.extend(found)
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
