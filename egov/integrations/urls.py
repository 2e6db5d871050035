"""The simulators of national systems, mounted at /mo-phong/ (docs/howto/integrations.md)."""

from django.urls import URLPattern, path

from egov.integrations import simulators

app_name = "simulators"
urlpatterns: list[URLPattern] = [
    path("dan-cu/tra-cuu", simulators.population_lookup, name="population_lookup"),
    path("sms/", simulators.sms_inbox, name="sms_inbox"),
    path("sms/gui", simulators.sms_send, name="sms_send"),
    path("sms/trang-thai/<str:message_id>", simulators.sms_status, name="sms_status"),
    path("dvcqg/", simulators.portal_pushes, name="portal_pushes"),
    path("dvcqg/dong-bo-ho-so", simulators.portal_sync, name="portal_sync"),
]
