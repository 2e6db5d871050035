"""REST endpoints of the one-stop core, mounted by egov.api at /api/v1."""

from ninja import Router

router = Router()
