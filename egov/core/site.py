"""The address egov is reached at, for every absolute URL it writes (docs/architecture.md).

Links in PDFs, e-mails and QR codes, the gateway's callbacks, the simulators' and the demo PKI's
addresses are all built here from settings.SITE_URL when they are needed, never copied at import:
so they follow `make run HOST=… PORT=…`, EGOV_SITE_URL, and a test's live server.
"""

from django.conf import settings


def site_url(path: str = "") -> str:
    """settings.SITE_URL joined with an absolute path ("/tra-cuu/…"), without a doubled slash."""
    base = str(settings.SITE_URL).rstrip("/")
    if path and not path.startswith("/"):
        path = f"/{path}"
    return f"{base}{path}"


def configured_or_own(setting_name: str, own_path: str) -> str:
    """A national system's configured address, or egov's own stand-in at `own_path` when empty.

    The stand-ins are the simulators under /mo-phong/ and the demo TSA under /pki/ (a demo runs
    without any setting; a real installation sets each address).
    """
    configured = str(getattr(settings, setting_name, "") or "")
    return configured or site_url(own_path)
