"""The project's URLs with the print views mounted in the dossiers namespace (as urls.py will)."""

from django.urls import URLPattern, URLResolver, include, path

from config import urls as project
from egov.dossiers import print_views
from egov.dossiers import urls as dossier_urls

# so-theo-doi/ must come before "<str:code>/", which would otherwise take it for a dossier code.
_dossiers = (
    [
        path("so-theo-doi/", print_views.tracking_book, name="tracking_book"),
        path("<str:code>/in/<str:form>/", print_views.print_form, name="print"),
        *dossier_urls.urlpatterns,
    ],
    "dossiers",
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("can-bo/ho-so/", include(_dossiers)),
    *(p for p in project.urlpatterns if str(getattr(p, "pattern", "")) != "can-bo/ho-so/"),
]
