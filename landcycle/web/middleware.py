"""Security headers Django 5.2 does not set itself (a Content Security Policy), the default
language and the per-request memo."""

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import cache

# Scripts only from our own static files (data goes in <script type="application/json">);
# inline styles are allowed because Leaflet and ECharts position elements with them.


def content_security_policy() -> str:
    """The Content-Security-Policy header value: own scripts, styles and fonts only (inline styles
    allowed for Leaflet/ECharts), images also from the configured base maps' tile servers
    (``maps.tile_origins``: 天地图 with a key, ``LANDCYCLE_TILE_URL``…), no framing.
    """
    from .maps import tile_origins

    img = " ".join(["'self' data: blob:", *tile_origins()])
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src {img}; connect-src 'self'; font-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy and Permissions-Policy to responses that do not set their own."""

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


# Headers a proxy sets; from any other peer they are a client's claim and are dropped.
_PROXY_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_FORWARDED",
)


def trusted_networks(entries) -> list:
    """``LANDCYCLE_TRUSTED_PROXIES`` entries (addresses or CIDR blocks) as ip_network objects;
    raises ImproperlyConfigured naming a bad entry."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"LANDCYCLE_TRUSTED_PROXIES: 不是地址或网段 not an address or network: {entry!r}"
            ) from None
    return networks


class TrustedProxyMiddleware:
    """The client's address, scheme and host from a reverse proxy we trust, and only from it.

    When the peer (``REMOTE_ADDR``) is in ``LANDCYCLE_TRUSTED_PROXIES``, ``REMOTE_ADDR`` becomes
    the rightmost ``X-Forwarded-For`` address that is not itself a trusted proxy, and
    ``X-Forwarded-Proto`` / ``-Host`` are left for Django (``SECURE_PROXY_SSL_HEADER``,
    ``USE_X_FORWARDED_HOST``). From any other peer those headers are removed, so a client cannot
    choose its address for the login lockout nor claim HTTPS. First in ``MIDDLEWARE``.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = trusted_networks(settings.LANDCYCLE_TRUSTED_PROXIES)

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip().strip("[]"))
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def __call__(self, request):
        meta = request.META
        if not self._trusted(meta.get("REMOTE_ADDR") or ""):
            for header in _PROXY_HEADERS:
                meta.pop(header, None)
            return self.get_response(request)
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        for hop in reversed(hops):
            if not self._valid(hop):
                break  # a malformed hop: keep the last address we could trust
            meta["REMOTE_ADDR"] = hop
            if not self._trusted(hop):
                break
        return self.get_response(request)

    @staticmethod
    def _valid(address: str) -> bool:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return False
        return True
