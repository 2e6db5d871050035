import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from egov.core import audit
from egov.core.models import AuditEntry


def _write_entries(n: int) -> list[AuditEntry]:
    return [
        audit.record(
            actor=None,
            action="test.event",
            object_type="t",
            object_id=str(i),
            after={"i": i, "name": "Nguyễn"},
        )
        for i in range(n)
    ]


def _tamper(sql: str, params: list[str | int]) -> None:
    """Change the table as someone with owner rights would: switch off the guard first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
            cursor.execute(sql, params)


@pytest.mark.django_db
def test_intact_chain_verifies(capsys):
    _write_entries(5)

    call_command("verify_audit")

    assert "5 entries verified" in capsys.readouterr().out


@pytest.mark.django_db
def test_entries_link_to_their_predecessor():
    first, second = _write_entries(2)

    assert first.prev_hash == audit.GENESIS_HASH
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1


@pytest.mark.django_db
def test_database_refuses_to_update_an_entry():
    entry = _write_entries(1)[0]

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.event"


@pytest.mark.django_db
def test_postgresql_also_refuses_to_delete_an_entry():
    entry = _write_entries(1)[0]
    deleting = AuditEntry.objects.filter(pk=entry.pk)

    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            deleting.delete()
        assert AuditEntry.objects.filter(pk=entry.pk).exists()
    else:
        # SQLite lets the row go (see migration 0002) but the chain names the gap.
        deleting.delete()
        assert audit.verify_chain()[1]


@pytest.mark.django_db
def test_verify_audit_finds_an_altered_entry():
    entries = _write_entries(4)
    _tamper("UPDATE core_auditentry SET after = %s WHERE seq = %s", ['{"i": 99}', entries[2].seq])

    with pytest.raises(CommandError, match="NOT intact"):
        call_command("verify_audit")
    _checked, problems = audit.verify_chain()
    assert [p.seq for p in problems] == [entries[2].seq]


@pytest.mark.django_db
def test_verify_audit_finds_a_removed_entry():
    entries = _write_entries(4)
    _tamper("DELETE FROM core_auditentry WHERE seq = %s", [entries[1].seq])

    _checked, problems = audit.verify_chain()

    assert any("missing" in p.problem for p in problems)
    assert any(p.seq == entries[2].seq and "link" in p.problem for p in problems)


@pytest.mark.django_db
def test_verify_audit_finds_a_cut_tail():
    entries = _write_entries(3)
    _tamper("DELETE FROM core_auditentry WHERE seq = %s", [entries[2].seq])

    _checked, problems = audit.verify_chain()

    assert [p.problem for p in problems] == ["the newest entries were removed"]
