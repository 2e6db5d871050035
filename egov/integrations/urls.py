"""The simulators of national systems, mounted at /mo-phong/ (docs/howto/integrations.md)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path

from egov.integrations import oidc_simulator, payment_simulator, simulators


def _demo_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A simulator exists only in a demo (EGOV_DEMO): in production these addresses are 404."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.EGOV_DEMO:
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


app_name = "simulators"
_patterns: list[URLPattern] = [
    path("dan-cu/tra-cuu", simulators.population_lookup, name="population_lookup"),
    path("sms/", simulators.sms_inbox, name="sms_inbox"),
    path("sms/gui", simulators.sms_send, name="sms_send"),
    path("sms/trang-thai/<str:message_id>", simulators.sms_status, name="sms_status"),
    path("dvcqg/", simulators.portal_pushes, name="portal_pushes"),
    path("dvcqg/dong-bo-ho-so", simulators.portal_sync, name="portal_sync"),
    path("thanh-toan/", payment_simulator.payment_page, name="payment_page"),
    path("thanh-toan/xac-nhan", payment_simulator.payment_choice, name="payment_choice"),
    path("thanh-toan/truy-van", payment_simulator.payment_query, name="payment_query"),
    path("vneid/.well-known/openid-configuration", oidc_simulator.discovery, name="vneid_discovery"),
    path("vneid/authorize", oidc_simulator.authorize, name="vneid_authorize"),
    path("vneid/token", oidc_simulator.token, name="vneid_token"),
    path("vneid/userinfo", oidc_simulator.userinfo, name="vneid_userinfo"),
    path("vneid/jwks", oidc_simulator.jwks, name="vneid_jwks"),
]

for _pattern in _patterns:
    _pattern.callback = _demo_only(_pattern.callback)
urlpatterns = _patterns
