"""View decorators of the frame: who may open a page at all (rows are cut by ``restrict``)."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from landcycle.core.permissions import Action, scope_of


def requires(action: Action | str):
    """Anonymous → the login page; a signed-in role without ``action`` → 403."""

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
