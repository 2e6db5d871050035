"""Several audit chains: writes in different chains never wait on one another, a transaction
stays in one chain, and the entries of the single chain that came before still verify."""

import threading

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from egov.core import audit
from egov.core.models import AuditChainHead, AuditEntry


def _ids_in_distinct_chains(count: int) -> list[str]:
    """Object ids of type "t" whose entries go to `count` different chains."""
    found: dict[int, str] = {}
    for n in range(10_000):
        chain = audit.chain_for(object_type="t", object_id=str(n), unit_id=None, actor_id=None)
        found.setdefault(chain, str(n))
        if len(found) == count:
            return list(found.values())
    raise AssertionError("not enough chains")


def _same_chain_ids() -> tuple[str, str]:
    first = audit.chain_for(object_type="t", object_id="0", unit_id=None, actor_id=None)
    for n in range(1, 10_000):
        if audit.chain_for(object_type="t", object_id=str(n), unit_id=None, actor_id=None) == first:
            return "0", str(n)
    raise AssertionError("no two ids in one chain")


def _write(object_id: str) -> AuditEntry:
    return audit.record(actor=None, action="test.event", object_type="t", object_id=object_id)


@pytest.mark.django_db(transaction=True)
def test_entries_about_different_objects_go_to_their_own_chains_and_all_verify(capsys):
    ids = _ids_in_distinct_chains(3)
    entries = [_write(object_id) for object_id in ids for _ in range(2)]

    assert len({e.chain for e in entries}) == 3
    for chain in {e.chain for e in entries}:
        mine = [e for e in entries if e.chain == chain]
        assert [e.seq for e in mine] == [1, 2]
        assert mine[0].prev_hash == audit.GENESIS_HASH
        assert mine[1].prev_hash == mine[0].hash
        assert AuditChainHead.objects.get(chain=chain).last_seq == 2
    call_command("verify_audit")
    assert "6 entries verified" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_one_transaction_writes_to_one_chain_only():
    first, second = _ids_in_distinct_chains(2)

    with transaction.atomic():
        a = _write(first)
        b = _write(second)
    c = _write(second)

    assert a.chain == b.chain  # the second object joins the chain the transaction holds
    assert c.chain != a.chain  # a new transaction picks the object's own chain
    assert audit.verify_chain()[1] == []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_gives_its_chain_back():
    first, second = _ids_in_distinct_chains(2)

    def fail_after_writing() -> None:
        with transaction.atomic():
            _write(first)
            raise RuntimeError

    with transaction.atomic():
        with pytest.raises(RuntimeError):
            fail_after_writing()
        kept = _write(second)

    assert kept.chain == audit.chain_for(object_type="t", object_id=second, unit_id=None, actor_id=None)
    assert AuditEntry.objects.count() == 1
    assert audit.verify_chain()[1] == []


@pytest.mark.django_db(transaction=True)
def test_a_cut_tail_is_found_in_any_chain():
    first, second = _ids_in_distinct_chains(2)
    _write(first)
    _write(second)
    cut = _write(second)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # as the table's owner would: the guard off first
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [cut.pk])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")

    problems = audit.verify_chain()[1]

    assert [(p.chain, p.seq, p.problem) for p in problems] == [
        (cut.chain, 2, "the newest entries were removed")
    ]


def _hold_chain_of(object_id: str, holding: threading.Event, release: threading.Event) -> None:
    try:
        with transaction.atomic():
            _write(object_id)
            holding.set()
            release.wait(10)
    finally:
        connections.close_all()


def _write_with_lock_timeout(object_id: str) -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '1s'")
        _write(object_id)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_writers_in_different_chains_do_not_wait_for_each_other():
    first, second = _ids_in_distinct_chains(2)
    same_a, same_b = _same_chain_ids()
    for object_id in (first, second, same_a):  # heads exist: only their row locks are measured
        _write(object_id)
    holding, release = threading.Event(), threading.Event()

    other = threading.Thread(target=_hold_chain_of, args=(first, holding, release))
    other.start()
    try:
        assert holding.wait(10)
        _write_with_lock_timeout(second)  # commits although the other chain's head is held
    finally:
        release.set()
        other.join()

    # The same setup in one chain does wait: the test measures what it claims to.
    holding, release = threading.Event(), threading.Event()
    other = threading.Thread(target=_hold_chain_of, args=(same_a, holding, release))
    other.start()
    try:
        assert holding.wait(10)
        with pytest.raises(OperationalError, match="lock timeout"):
            _write_with_lock_timeout(same_b)
    finally:
        release.set()
        other.join()
    assert audit.verify_chain()[1] == []


@pytest.mark.django_db(transaction=True)
def test_the_single_chain_of_before_becomes_chain_zero_and_still_verifies():
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0003_worker_beat")])
    old = MigrationExecutor(connection).loader.project_state([("core", "0003_worker_beat")]).apps
    old_entry, old_head = old.get_model("core", "AuditEntry"), old.get_model("core", "AuditChainHead")
    try:
        prev = audit.GENESIS_HASH
        for seq in (1, 2, 3):
            entry = AuditEntry(
                seq=seq, at=timezone.now(), actor_label="system", action="old.event", prev_hash=prev
            )
            entry.hash = audit.compute_hash(entry.chained_fields())
            fields = {
                f: getattr(entry, f) for f in ("seq", "at", "actor_label", "action", "prev_hash", "hash")
            }
            old_entry.objects.create(**fields)
            prev = entry.hash
        old_head.objects.create(pk=1, last_seq=3, last_hash=prev)
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert list(AuditEntry.objects.values_list("chain", "seq")) == [(0, 1), (0, 2), (0, 3)]
    assert AuditChainHead.objects.get().chain == 0
    assert audit.verify_chain() == (3, [])
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=1).update(action="forged")
