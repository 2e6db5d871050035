"""The project's URLs with the online-payment views in the dossiers namespace (as urls.py will).

The fixed words ("thanh-toan/…") go before "<str:code>/", which would otherwise take them for a code.
"""

from django.urls import URLPattern, URLResolver, include, path

from config import urls as project
from egov.dossiers import payment_views
from egov.dossiers import urls as dossier_urls

_dossiers = (
    [
        path("thanh-toan/ket-qua/", payment_views.payment_return, name="payment_return"),
        path("thanh-toan/ipn/", payment_views.payment_ipn, name="payment_ipn"),
        path("thanh-toan/bien-lai/<str:order_id>/", payment_views.payment_receipt, name="payment_receipt"),
        path("<str:code>/thanh-toan/", payment_views.pay, name="pay"),
        *dossier_urls.urlpatterns,
    ],
    "dossiers",
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("can-bo/ho-so/", include(_dossiers)),
    *(p for p in project.urlpatterns if str(getattr(p, "pattern", "")) != "can-bo/ho-so/"),
]
