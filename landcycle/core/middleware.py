from .context import changes_by


class CurrentUserMiddleware:
    """Attribute ledger changes made during a request to the logged-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        with changes_by(user_id=user_id, source=f"web {request.method} {request.path}"[:200]):
            return self.get_response(request)
