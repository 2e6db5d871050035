"""The audit chains resist their own database administrator: a chain whose hashes were recomputed
after a change, or whose newest entries were deleted and head rewound, verifies by its links alone
but not against the time-stamped anchors kept outside the database; a changed anchor shows too."""

import base64
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from egov.core import audit, audit_anchors
from egov.core.models import AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db


def _write_entries(n: int) -> list[AuditEntry]:
    return [
        audit.record(actor=None, action="test.event", object_type="t", object_id="1", after={"i": i})
        for i in range(n)
    ]


def _as_database_admin(statements: list[tuple[str, list[Any]]]) -> None:
    """Run SQL as the table's owner would: switch off the append-only guard first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")


def _rewrite_from(entries: list[AuditEntry], index: int, after: dict[str, int]) -> None:
    """Change one entry and recompute its hash and every later link, head included."""
    statements: list[tuple[str, list[Any]]] = []
    prev = entries[index].prev_hash
    for n, entry in enumerate(entries[index:]):
        entry.refresh_from_db()
        if n == 0:
            entry.after = after
        entry.prev_hash = prev
        entry.hash = audit.compute_hash(entry.chained_fields())
        statements.append(
            (
                "UPDATE core_auditentry SET after = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [json.dumps(entry.after), entry.prev_hash, entry.hash, entry.pk],
            )
        )
        prev = entry.hash
    _as_database_admin(statements)
    AuditChainHead.objects.filter(chain=entries[0].chain).update(last_hash=prev)


def test_a_checkpoint_anchors_every_chain_and_verifies(capsys):
    entries = _write_entries(3)

    call_command("audit_checkpoint")
    call_command("verify_audit")

    out = capsys.readouterr().out
    assert "3 entries verified" in out
    assert "1 anchors verified" in out
    (anchor,) = audit_anchors.read_anchors()[0]
    assert anchor.chains == {entries[0].chain: (3, entries[-1].hash)}


def test_recomputed_hashes_after_a_change_are_found():
    entries = _write_entries(4)
    call_command("audit_checkpoint")
    _rewrite_from(entries, 1, {"i": 99})
    assert audit.verify_chain()[1] == []  # the links alone cannot tell

    with pytest.raises(CommandError, match="NOT intact"):
        call_command("verify_audit")
    problems = audit_anchors.verify().problems
    assert problems == [
        f"chain {entries[0].chain}: entry #4 differs from anchor audit-anchors-"
        f"{timezone.now():%Y-%m}.jsonl:1: the chain was rewritten "
        "(its hashes recomputed after a change)"
    ]


def test_deleted_newest_entries_and_a_rewound_head_are_found():
    entries = _write_entries(4)
    call_command("audit_checkpoint")
    _as_database_admin([("DELETE FROM core_auditentry WHERE id IN (%s, %s)", [entries[2].pk, entries[3].pk])])
    AuditChainHead.objects.filter(chain=entries[0].chain).update(last_seq=2, last_hash=entries[1].hash)
    assert audit.verify_chain()[1] == []  # the links alone cannot tell

    with pytest.raises(CommandError, match="NOT intact"):
        call_command("verify_audit")
    problems = audit_anchors.verify().problems or []
    assert any("head is at #2" in p and "truncated" in p for p in problems)
    assert any("entry #4" in p and "is gone" in p for p in problems)


def test_an_altered_anchor_is_found():
    entries = _write_entries(2)
    call_command("audit_checkpoint")
    (path,) = audit_anchors.anchor_files()
    line = json.loads(path.read_text())
    line["checkpoint"]["chains"][str(entries[0].chain)] = [1, entries[0].hash]  # "it was only 1 long"
    path.write_text(json.dumps(line) + "\n")

    with pytest.raises(CommandError, match="NOT intact"):
        call_command("verify_audit")
    (problem,) = audit_anchors.verify().problems or []
    assert "time-stamp does not verify" in problem


def test_a_forged_token_is_found():
    _write_entries(1)
    call_command("audit_checkpoint")
    (path,) = audit_anchors.anchor_files()
    line = json.loads(path.read_text())
    token = bytearray(base64.b64decode(line["token"]))
    token[-10] ^= 0xFF  # inside the TSA's signature
    line["token"] = base64.b64encode(bytes(token)).decode()
    path.write_text(json.dumps(line) + "\n")

    (problem,) = audit_anchors.verify().problems or []
    assert "time-stamp does not verify" in problem


def test_a_removed_anchor_between_two_others_is_found():
    _write_entries(1)
    call_command("audit_checkpoint")
    _write_entries(1)
    call_command("audit_checkpoint")
    _write_entries(1)
    call_command("audit_checkpoint")
    (path,) = audit_anchors.anchor_files()
    lines = path.read_text().splitlines()
    path.write_text(f"{lines[0]}\n{lines[2]}\n")

    (problem,) = audit_anchors.verify().problems or []
    assert problem.endswith(":2: the anchor before it was removed or altered")


def test_a_checkpoint_if_changed_writes_nothing_when_no_chain_grew(capsys):
    _write_entries(1)
    call_command("audit_checkpoint", "--if-changed")
    call_command("audit_checkpoint", "--if-changed")

    assert "nothing written" in capsys.readouterr().out
    assert len(audit_anchors.read_anchors()[0]) == 1


def test_the_worker_checkpoints_when_due(settings):
    _write_entries(1)
    settings.EGOV_AUDIT_CHECKPOINT_SECONDS = 600

    assert audit_anchors.checkpoint_if_due() is not None
    assert audit_anchors.checkpoint_if_due() is None  # not due again for 10 minutes
    settings.EGOV_AUDIT_CHECKPOINT_SECONDS = 0
    assert audit_anchors.checkpoint_if_due() is None
