"""Officers' workspace. Every query goes through ``restrict``; logic lives in services."""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from landcycle.ledger import models as ledger

from . import cache, mapdata, services
from .auth import client_address, is_locked
from .filtersets import EnterpriseFilterSet, ParcelFilterSet
from .panels import render_panels
from .permissions import Action, restrict, restricted, scope_of
from .tables import ENTERPRISES, PARCELS, Table, export_response, filter_form_html

PAGE_SIZE = 50


def requires(action: Action):
    """Anonymous → login page; a role without ``action`` → 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not scope_of(request.user).can(action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# ---- login --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = AuthenticationForm(request, data=request.POST or None)
    locked = False
    if request.method == "POST":
        username = request.POST.get("username", "")
        try:
            valid = form.is_valid()
        except PermissionDenied:
            valid = False
        locked = is_locked(username, client_address(request))
        if valid and not locked:
            auth_login(request, form.get_user())
            target = request.POST.get("next") or request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = settings.LOGIN_REDIRECT_URL
            return redirect(target or settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "web/login.html",
        {
            "form": form,
            "locked": locked,
            "lockout_minutes": settings.LANDCYCLE_LOGIN_LOCKOUT_MINUTES,
            "next": request.GET.get("next", ""),
        },
        status=429 if locked else 200,
    )


@require_POST
def logout_view(request):
    auth_logout(request)
    return redirect("web:login")


# ---- dashboard ----------------------------------------------------------------------------


@requires(Action.VIEW)
@require_safe
def dashboard(request):
    return render(request, "web/dashboard.html", {"data": services.dashboard(request.user)})


# ---- lists --------------------------------------------------------------------------------


def _list(request, table: Table, filterset, template: str, card: str, export: str):
    ordering = table.ordering(request.GET.get("sort"))
    # Deferred join: sort and page over ids only (narrow rows), then load the 50 rows shown.
    # The sorted ids are cached per data version: sorting by a joined column (street, holder)
    # would otherwise sort every row on every page.
    ids = cache.ordered_ids(filterset.qs.order_by(ordering, "pk"), cache.data_version())
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    rows = table.load(filterset.queryset.model._default_manager.filter(pk__in=shown).order_by())
    by_id = {_pk(row): row for row in rows}
    page.object_list = [by_id[pk] for pk in shown if pk in by_id]
    # One reverse() for the 50 links: the card URL with the id put in.
    placeholder = 2_147_483_647
    pattern = reverse(card, args=[placeholder]).replace(str(placeholder), "{}")

    def card_url(pk) -> str:
        return pattern.format(pk)

    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {
        "table": table,
        "filter": filterset,
        "page": page,
        "filter_html": filter_form_html(filterset.form),
        "body": table.body_html(page.object_list, [card_url(_pk(row)) for row in page.object_list]),
        "export_csv": reverse(export, args=["csv"]),
        "export_xlsx": reverse(export, args=["xlsx"]),
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "sort": request.GET.get("sort", ""),
    }
    return render(request, template, context)


def _pk(row):
    return row["pk"] if isinstance(row, dict) else row.pk


def _export(request, table: Table, filterset, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    queryset = filterset.qs.order_by(table.ordering(request.GET.get("sort")), "pk")
    return export_response(table, queryset, fmt)


@requires(Action.VIEW)
@require_safe
def parcel_list(request):
    parcels = restricted(ledger.Parcel, request.user)
    filterset = ParcelFilterSet(request.GET, queryset=parcels, user=request.user)
    return _list(
        request,
        PARCELS,
        filterset,
        "web/parcel_list.html",
        "web:parcel_detail",
        "web:parcel_export",
    )


@requires(Action.EXPORT)
@require_safe
def parcel_export(request, fmt):
    parcels = restricted(ledger.Parcel, request.user, Action.EXPORT)
    filterset = ParcelFilterSet(request.GET, queryset=parcels, user=request.user)
    return _export(request, PARCELS, filterset, fmt)


@requires(Action.VIEW)
@require_safe
def enterprise_list(request):
    enterprises = restricted(ledger.Enterprise, request.user)
    filterset = EnterpriseFilterSet(request.GET, queryset=enterprises)
    return _list(
        request,
        ENTERPRISES,
        filterset,
        "web/enterprise_list.html",
        "web:enterprise_detail",
        "web:enterprise_export",
    )


@requires(Action.EXPORT)
@require_safe
def enterprise_export(request, fmt):
    enterprises = restricted(ledger.Enterprise, request.user, Action.EXPORT)
    filterset = EnterpriseFilterSet(request.GET, queryset=enterprises)
    return _export(request, ENTERPRISES, filterset, fmt)


# ---- cards --------------------------------------------------------------------------------


@requires(Action.VIEW)
@require_safe
def parcel_detail(request, pk):
    parcel = get_object_or_404(
        restricted(ledger.Parcel, request.user).select_related("jurisdiction", "holder"), pk=pk
    )
    card = services.parcel_card(request.user, parcel)
    panels = render_panels(request, parcel)
    return render(
        request, "web/parcel_detail.html", {"card": card, "panels": panels, **_map_settings()}
    )


@requires(Action.VIEW)
@require_safe
def enterprise_detail(request, pk):
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
        "graph": services.enterprise_graph(user, enterprise),
        "sees_personal_data": scope_of(user).sees_personal_data,
    }
    return render(request, "web/enterprise_detail.html", context)


# ---- map ----------------------------------------------------------------------------------


def _map_settings() -> dict:
    return {"map_settings": {"tianditu_key": settings.LANDCYCLE_TIANDITU_KEY}}


@requires(Action.VIEW)
@require_safe
def map_view(request):
    box = mapdata.extent(restricted(ledger.Parcel, request.user))
    return render(
        request,
        "web/map.html",
        {"map_settings": {**_map_settings()["map_settings"], "extent": box}},
    )


def _on_available_list() -> Q:
    from landcycle.lifecycle.models import AvailableLandEntry

    return Q(pk__in=AvailableLandEntry.objects.values("parcel_id"))


LAYERS = {
    "parcels": Q,
    "control_line": lambda: Q(in_control_line=True),
    "available": _on_available_list,  # on an available-land list (draft or published)
}


@requires(Action.VIEW)
@require_safe
@gzip_page
def map_parcels(request):
    layer = request.GET.get("layer", "parcels")
    if layer not in LAYERS:
        return HttpResponseBadRequest("unknown layer")
    try:
        box = mapdata.BBox.parse(request.GET.get("bbox"))
        zoom = max(0, min(int(request.GET.get("zoom", "14")), 22))
    except (mapdata.BadBBox, ValueError) as exc:
        return HttpResponseBadRequest(str(exc))
    tag = _map_etag(request, layer)
    if tag is not None and tag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        parcels = restricted(ledger.Parcel, request.user).filter(LAYERS[layer]())
        response = JsonResponse(mapdata.parcel_features(request.user, parcels, box, zoom))
    if tag is not None:
        # Browsers revalidate each view; an unchanged one costs a 304 and no geometry work.
        response["ETag"] = tag
        response["Cache-Control"] = "private, no-cache"
    return response


# Layers whose content follows the ledger's change log and the current run only (the
# available-land lists change through the lifecycle app, outside the change log).
_ETAG_LAYERS = {"parcels", "control_line"}


def _map_etag(request, layer: str) -> str | None:
    """The view's version: ledger data version, current run and its status, the user's scope
    and the exact request."""
    if layer not in _ETAG_LAYERS:
        return None
    run = services.current_run(request.user)
    key = repr(
        (
            cache.data_version(),
            (run.pk, run.status) if run is not None else None,
            request.user.pk,
            scope_of(request.user),
            request.get_full_path(),
        )
    )
    return '"' + hashlib.blake2b(key.encode(), digest_size=12).hexdigest() + '"'


@requires(Action.VIEW)
@require_safe
def map_streets(request):
    return JsonResponse(mapdata.street_extents(restricted(ledger.Parcel, request.user)))
