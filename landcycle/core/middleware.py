"""Middleware attributing the ledger changes of a request to its user (the change log's actor)."""

from .context import changes_by


class CurrentUserMiddleware:
    """Attribute ledger changes made during a request to the logged-in user (name copied)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        with changes_by(
            user_id=user.pk if signed_in else None,
            user_name=user.get_username() if signed_in else "",
            source=f"web {request.method} {request.path}"[:200],
        ):
            return self.get_response(request)
