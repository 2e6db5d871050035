"""Portal: the public, citizen-facing pages (composition only).

Home page, the procedure catalogue (/thu-tuc/) and procedure detail. Depends on procedures,
organization, core.
"""
