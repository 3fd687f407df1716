"""The ledger's pages: parcel and enterprise lists with exports, and their cards.

Every query goes through ``restrict``; the parcel card's sections from other apps are panels.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_safe

from landcycle.core.permissions import Action, restrict, restricted, scope_of
from landcycle.web.decorators import requires
from landcycle.web.maps import map_settings
from landcycle.web.navigation import MenuItem
from landcycle.web.panels import render_panels
from landcycle.web.tables import export_page, list_page

from . import card as cards
from . import models as ledger
from .filtersets import EnterpriseFilterSet, ParcelFilterSet
from .tables import ENTERPRISES, PARCELS

MENU = [
    MenuItem("Parcels", "ledger:parcel_list", order=20),
    MenuItem("Enterprises", "ledger:enterprise_list", order=30),
]
PROBES = cards.PROBES


@requires(Action.VIEW)
@require_safe
def parcel_list(request):
    """Parcel list (宗地): the user's restricted parcels, filtered (ParcelFilterSet), sorted, paged."""
    parcels = restricted(ledger.Parcel, request.user)
    filterset = ParcelFilterSet(request.GET, queryset=parcels, user=request.user)
    return list_page(
        request,
        PARCELS,
        filterset,
        "ledger/parcel_list.html",
        "ledger:parcel_detail",
        "ledger:parcel_export",
    )


@requires(Action.EXPORT)
@require_safe
def parcel_export(request, fmt):
    """The filtered parcel list as CSV or xlsx (``fmt``), restricted for EXPORT; other fmt → 404."""
    parcels = restricted(ledger.Parcel, request.user, Action.EXPORT)
    filterset = ParcelFilterSet(request.GET, queryset=parcels, user=request.user)
    return export_page(request, PARCELS, filterset, fmt)


@requires(Action.VIEW)
@require_safe
def enterprise_list(request):
    """Enterprise list (企业): restricted, filtered (EnterpriseFilterSet), sorted, paged."""
    enterprises = restricted(ledger.Enterprise, request.user)
    filterset = EnterpriseFilterSet(request.GET, queryset=enterprises)
    return list_page(
        request,
        ENTERPRISES,
        filterset,
        "ledger/enterprise_list.html",
        "ledger:enterprise_detail",
        "ledger:enterprise_export",
    )


@requires(Action.EXPORT)
@require_safe
def enterprise_export(request, fmt):
    """The filtered enterprise list as CSV or xlsx (``fmt``), restricted for EXPORT; other fmt → 404."""
    enterprises = restricted(ledger.Enterprise, request.user, Action.EXPORT)
    filterset = EnterpriseFilterSet(request.GET, queryset=enterprises)
    return export_page(request, ENTERPRISES, filterset, fmt)


# ---- cards --------------------------------------------------------------------------------


@requires(Action.VIEW)
@require_safe
def parcel_detail(request, pk):
    """The parcel card (宗地档案): facts, map, and the panels other apps add; 404 when out of scope."""
    parcel = get_object_or_404(
        restricted(ledger.Parcel, request.user).select_related("jurisdiction", "holder"), pk=pk
    )
    card = cards.parcel_card(request.user, parcel)
    panels = render_panels(request, parcel)
    return render(
        request,
        "ledger/parcel_detail.html",
        {"card": card, "panels": panels, "map_settings": map_settings()},
    )


@requires(Action.VIEW)
@require_safe
def enterprise_detail(request, pk):
    """The enterprise card (企业档案): its parcels, leases, figures and relation graph, each
    restricted to the user; ID numbers masked unless the role sees personal data; 404 out of scope.
    """
    enterprise = get_object_or_404(restricted(ledger.Enterprise, request.user), pk=pk)
    user = request.user
    context = {
        "enterprise": enterprise,
        "parcels": restrict(
            ledger.Parcel.objects.filter(holder_id=enterprise.pk).select_related("jurisdiction"),
            user,
        ),
        "leases": restrict(
            ledger.Lease.objects.filter(tenant_id=enterprise.pk).select_related("parcel"), user
        ),
        "reports": restrict(
            ledger.IndicatorReport.objects.filter(enterprise_id=enterprise.pk).select_related(
                "parcel"
            ),
            user,
        ).order_by("-year"),
        "graph": cards.enterprise_graph(user, enterprise),
        "sees_personal_data": scope_of(user).sees_personal_data,
    }
    return render(request, "ledger/enterprise_detail.html", context)


urlpatterns = [
    path("parcels/", parcel_list, name="parcel_list"),
    path("parcels/export.<str:fmt>", parcel_export, name="parcel_export"),
    path("parcels/<int:pk>/", parcel_detail, name="parcel_detail"),
    path("enterprises/", enterprise_list, name="enterprise_list"),
    path("enterprises/export.<str:fmt>", enterprise_export, name="enterprise_export"),
    path("enterprises/<int:pk>/", enterprise_detail, name="enterprise_detail"),
]
