"""API: the versioned REST interface /api/v1 (django-ninja), its auth and its error format.

Mounts each app's `api.py` router. Depends on every domain app; none depends on it.
"""
