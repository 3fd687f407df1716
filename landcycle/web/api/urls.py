from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("jurisdictions", views.JurisdictionViewSet, basename="jurisdiction")
router.register("parcels", views.ParcelViewSet, basename="parcel")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("persons", views.PersonViewSet, basename="person")
router.register("relations", views.RelationViewSet, basename="relation")
router.register("buildings", views.BuildingViewSet, basename="building")
router.register("leases", views.LeaseViewSet, basename="lease")
router.register("indicator-reports", views.IndicatorReportViewSet, basename="indicatorreport")
router.register("violations", views.ViolationViewSet, basename="violation")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("evaluation-runs", views.EvaluationRunViewSet, basename="evaluationrun")
router.register("evaluation-results", views.EvaluationResultViewSet, basename="evaluationresult")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path("auth/token/", views.ObtainTokenView.as_view(), name="token"),
    path("", include(router.urls)),
]
