import gc
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Sessions, CSRF tokens and password-reset links are signed with the secret key; the demo key is
# printed in the source, so anyone could forge them. Only a developer's DEBUG server may use it.
if not settings.DEBUG and settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
    raise ImproperlyConfigured(
        "egov refuses to start: EGOV_SECRET_KEY is not set, so the demo secret key (public in "
        "config/settings.py) would sign sessions and password-reset links. Set EGOV_SECRET_KEY (or "
        "EGOV_SECRET_KEY_FILE) to a long random value, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`; see "
        "docs/howto/security-settings.md. (EGOV_DEBUG=1 allows the demo key on a developer's machine.)"
    )
application = get_wsgi_application()

# Import every view now rather than on the first request, then take the start-up objects (a few
# hundred thousand: Django, WeasyPrint, pyHanko…) out of the garbage collector's full passes, which
# otherwise pause a worker for up to ~200 ms every few thousand requests (docs/performance.md).
get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
gc.freeze()
