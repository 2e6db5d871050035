import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Import every view now rather than on the first request, then take the start-up objects (a few
# hundred thousand: Django, WeasyPrint, pyHanko…) out of the garbage collector's full passes, which
# otherwise pause a worker for up to ~200 ms every few thousand requests (docs/performance.md).
get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
gc.freeze()
