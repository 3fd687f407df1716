"""The REST API (namespace ``api``): one router over every app's viewsets (each app's
``api/views.py`` lists its ``ROUTES``), the schema and the token exchange."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from landcycle.evaluation.api import views as evaluation_api
from landcycle.ledger.api import views as ledger_api
from landcycle.web.api.views import ObtainTokenView

router = DefaultRouter()
for prefix, viewset, basename in [*ledger_api.ROUTES, *evaluation_api.ROUTES]:
    router.register(prefix, viewset, basename=basename)

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("", include(router.urls)),
]
