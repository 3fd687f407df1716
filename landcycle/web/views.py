"""The frame's own pages: signing in and out."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from .auth import client_address, is_locked

# ---- login --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def login_view(request):
    """The login page: GET shows the form; POST logs in and redirects to ``next`` (own host only)
    or LOGIN_REDIRECT_URL. Wrong credentials show the form again; a locked-out username or
    address answers 429 with the lockout minutes.
    """
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
    """Log out (POST only) and go to the login page."""
    auth_logout(request)
    return redirect("web:login")
