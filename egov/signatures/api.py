"""REST endpoints of this app, mounted by egov.api at /api/v1."""

from ninja import Router

router = Router()
