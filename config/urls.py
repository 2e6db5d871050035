from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from egov.accounts.admin_site import EgovAdminSite
from egov.api.urls import api

# The admin admits only sessions verified by a second factor, and logs in through accounts:login.
admin.site.__class__ = EgovAdminSite
admin.site.site_header = "egov — Quản trị hệ thống"
admin.site.site_title = "egov"

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
    path("tai-khoan/", include("egov.accounts.urls")),
    path("can-bo/ho-so/", include("egov.dossiers.urls")),
    path("can-bo/phan-anh/", include("egov.feedback.staff_urls")),
    path("phan-anh-kien-nghi/", include("egov.feedback.urls")),
    path("can-bo/tai-lieu/", include("egov.documents.urls")),
    path("can-bo/ky-so/", include("egov.signatures.urls")),
    path("pki/", include("egov.signatures.pki_urls")),
    path("mo-phong/", include("egov.integrations.urls")),
    path("can-bo/", include("egov.dashboard.urls")),
    path("", include("egov.portal.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
