from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("landcycle.web.api.urls")),
    path("portal/", include("landcycle.web.portal_urls")),
    path("", include("landcycle.lifecycle.urls")),
    path("", include("landcycle.evaluation.urls")),
    path("", include("landcycle.web.urls")),
]
