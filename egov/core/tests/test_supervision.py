"""A crashed process does not take egov down: `scripts/run.sh` (what `make run` starts) brings back
killed web workers, the task worker and the outbox, and stops all of them together."""

import os
import signal

import pytest

from egov.core.tests.server import running_egov, wait_for
from egov.dossiers.models import Notification
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

pytestmark = pytest.mark.django_db(transaction=True)


def test_killed_processes_come_back_without_a_person(province, tmp_path):
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.ks")
    version = commune_procedure()
    with running_egov(tmp_path / "var") as egov:
        web, worker, outbox = egov.web_workers(), egov.pids("run_worker"), egov.pids("run_outbox")
        assert (len(web), len(worker), len(outbox)) == (2, 1, 1), egov.descendants()

        for pid in web | worker | outbox:
            os.kill(pid, signal.SIGKILL)

        wait_for(egov.answers, timeout=30, what="the site to answer again")
        wait_for(lambda: len(egov.web_workers() - web) == 2, timeout=30, what="two new web workers")
        wait_for(lambda: egov.pids("run_worker") - worker, timeout=30, what="a new task worker")
        wait_for(lambda: egov.pids("run_outbox") - outbox, timeout=30, what="a new outbox")
        # The outbox that came back delivers what is written after the crash.
        dossier = receive(version, province.commune, desk)
        wait_for(
            lambda: not dossier.notifications.exclude(state=Notification.State.SENT).exists(),
            timeout=30,
            what="the notifications to be sent",
        )
        assert dossier.notifications.count() == 2

        descendants = set(egov.descendants())
        assert egov.stop() == set(), "processes outlived the stopped script"
        assert not descendants & set(egov.descendants())
