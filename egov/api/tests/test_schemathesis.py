"""Use case: anything a client sends to /api/v1 gets an answer its OpenAPI spec describes, never a 500.

schemathesis generates requests from the spec (valid ones, invalid ones, and sequences that follow
the links between operations) and runs every check it has: no server error, status codes, content
types, headers and bodies as documented, schema-valid requests accepted (a 422 is a refusal by the
rules, egov.api.errors), schema-invalid ones rejected. Settings in schemathesis.toml; the number of
examples is bounded so that CI stays short (EGOV_SCHEMATHESIS_EXAMPLES raises it for a longer hunt).
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from egov.accounts.services import create_api_token
from egov.dossiers.tests.factories import commune_procedure, receive, scanned
from egov.organization import services as organization
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

EXAMPLES = int(os.environ.get("EGOV_SCHEMATHESIS_EXAMPLES", "12"))
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure in CI fails again on your machine
    suppress_health_check=list(HealthCheck),
)


# Loaded when the module is collected: reading the spec needs no database.
api_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _connection_stays_open():
    """Calls run in-process inside the test's transaction: keep the connection open, as Client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


_token: dict[str, str] = {}


@api_schema.auth(refresh_interval=None)
class OfficerToken:
    """The token of the test's officer, given as credentials schemathesis knows it set (so that its
    auth checks can take them away and expect a 401)."""

    def get(self, case, context):
        return _token.get("raw", "")

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def world(province):
    """A commune with a received dossier and a document, and a token for one officer of every role."""
    officer = make_member(Role.DESK_OFFICER, province.commune, "moi.vai.tro")
    for role in (Role.SPECIALIST, Role.LEADER, Role.CLERK, Role.HEAD_OF_DEPARTMENT):
        organization.grant_role(officer, granted_by=None, unit=province.commune, role=role)
    version = commune_procedure(days="2")
    receive(version, province.commune, officer)
    scanned(province.commune, officer)
    _row, _token["raw"] = create_api_token(officer, name="schemathesis", created_by=None)
    yield
    _token.clear()


@api_schema.parametrize()
@settings(HYPOTHESIS)
@pytest.mark.django_db
def test_every_operation_answers_as_its_spec_says(case, world):
    case.call_and_validate()


@pytest.mark.django_db
def test_sequences_of_operations_answer_as_the_spec_says(world):
    run_state_machine_as_test(
        api_schema.as_state_machine(),
        settings=settings(HYPOTHESIS, max_examples=max(EXAMPLES // 2, 3), stateful_step_count=6),
    )
