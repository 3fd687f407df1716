from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("landcycle.api_urls")),
    path("portal/", include("landcycle.overview.portal_urls")),
    path("", include("landcycle.overview.urls")),
    path("", include("landcycle.ledger.urls")),
    path("", include("landcycle.imports.urls")),
    path("", include("landcycle.evaluation.urls")),
    path("", include("landcycle.lifecycle.urls")),
    path("", include("landcycle.web.urls")),
]
