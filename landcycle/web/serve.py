"""Serve the web app with waitress (a multi-threaded production WSGI server).

Static files (Leaflet, ECharts, the app's own) are served by WhiteNoise from the app
directories, so nothing else is needed: no CDN, no separate web server, no collectstatic.
"""

from __future__ import annotations

import os

DEFAULT_THREADS = 16


def application():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def serve(host: str = "127.0.0.1", port: int = 8000, threads: int = DEFAULT_THREADS) -> None:
    """Block serving ``/`` (officers), ``/portal/``, ``/api/`` and ``/api/schema/``."""
    from waitress import serve as waitress_serve

    app = application()
    print(f"landcycle: serving on http://{host}:{port}/  (portal /portal/, API /api/)", flush=True)
    waitress_serve(app, host=host, port=port, threads=threads, ident="landcycle")
