"""Security headers Django 5.2 does not set itself (a Content Security Policy), the default
language and the per-request memo."""

from django.conf import settings

from . import cache

# Scripts only from our own static files (data goes in <script type="application/json">);
# inline styles are allowed because Leaflet and ECharts position elements with them.
_TILE_HOSTS = "https://*.tianditu.gov.cn"


def content_security_policy() -> str:
    img = "'self' data: blob:" + (f" {_TILE_HOSTS}" if settings.LANDCYCLE_TIANDITU_KEY else "")
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src {img}; connect-src 'self'; font-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        # The API's browsable pages and the schema viewer keep Django REST framework's defaults.
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(), camera=(), microphone=()"
        )
        return response


class ChineseByDefaultMiddleware:
    """Chinese unless the user chose otherwise: ignore the browser's Accept-Language.

    Placed before LocaleMiddleware, so only the language cookie set by the switcher (or a
    language prefix) changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RequestMemoMiddleware:
    """One memo per reading request for values read several times while answering it (the
    ledger's data version, the current run): see ``landcycle.web.cache.per_request``. Requests
    that may write (POST, …) get none, so they never read a value from before their write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with cache.request_scope():
            return self.get_response(request)
