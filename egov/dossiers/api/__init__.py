"""REST endpoints of the one-stop core, mounted by egov.api at /api/v1 with token-or-session auth.

Every endpoint but the public lookup assumes `request.user` is an authenticated User. Reads go
through egov.dossiers.permissions (404 for missing and forbidden alike); each action locks the
dossier row, checks the caller's expectation (`expected_status`, `expected_revision`) and calls
one service, so a replayed or stale request answers 409 and changes nothing.
"""

# Each module adds its endpoints to the router when imported.
from egov.dossiers.api import actions, desk, figures, lookup, reading  # noqa: F401
from egov.dossiers.api.common import router

__all__ = ["router"]
