"""Serve the web app with waitress (a multi-threaded production WSGI server).

Static files (Leaflet, ECharts, the app's own) are served by WhiteNoise from the app
directories, so nothing else is needed: no CDN, no separate web server, no collectstatic.
With ``workers`` > 1 the listening socket is opened once and that many processes, each with
its own waitress threads, accept on it (pre-fork, as gunicorn does), so pages use every core.
Import progress lives in files, so any worker can show any job.
"""

from __future__ import annotations

import os
import signal
import socket
import tempfile

# Measured with benchmarks/web_latency.py (100k parcels, 20 clients, 2 cores): one process per
# core with 4 threads each served 140 req/s; 8 threads per process 76 req/s, one process with
# 16 threads 71 req/s (the threads of one process share its GIL; more of them only contend).
DEFAULT_THREADS = 4
# Waitress would drop every X-Forwarded-* header (it trusts no proxy unless told one address);
# landcycle.web.middleware.TrustedProxyMiddleware decides instead, from LANDCYCLE_TRUSTED_PROXIES.
WAITRESS_OPTIONS = {"ident": "landcycle", "clear_untrusted_proxy_headers": False}


def default_workers() -> int:
    """One worker process per core where processes can be forked, else one."""
    return (os.cpu_count() or 1) if hasattr(os, "fork") else 1


def application():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def warm_up() -> None:
    """Do once, before the workers fork, what every worker would otherwise do on its first
    requests: import the project's modules and the URLconf (the API, Django REST framework,
    drf-spectacular), build the URL resolver, compile the project's templates and load the
    translation catalogues. Workers inherit it all; without it each one spends ~0.5 s of CPU
    on its first pages, under load. Nothing here reads the database."""
    import importlib
    import pkgutil
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import get_resolver, reverse
    from django.utils import translation

    for app in apps.get_app_configs():  # the project's modules, also those imported lazily
        if not app.name.startswith("landcycle."):  # (Polars, by the evaluation's results)
            continue
        for module in pkgutil.walk_packages(app.module.__path__, app.name + "."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    reverse("web:dashboard")  # builds the resolver's reverse dictionaries
    package = Path(__file__).resolve().parent.parent
    for engine in engines.all():
        for directory in engine.template_dirs:
            directory = Path(directory)
            if not directory.is_relative_to(package):
                continue
            for path in directory.rglob("*.html"):
                try:
                    engine.get_template(path.relative_to(directory).as_posix())
                except (TemplateDoesNotExist, TemplateSyntaxError):
                    continue
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Parcels")


def serve(
    host: str = "127.0.0.1", port: int = 8000, threads: int = DEFAULT_THREADS, workers: int = 1
) -> None:
    """Block serving ``/`` (officers), ``/portal/``, ``/api/`` and ``/api/schema/``."""
    from waitress import serve as waitress_serve

    app = application()
    warm_up()
    print(
        f"landcycle: serving on http://{host}:{port}/  (portal /portal/, API /api/)"
        + (f", {workers} worker processes" if workers > 1 else ""),
        flush=True,
    )
    if workers <= 1:
        waitress_serve(app, host=host, port=port, threads=threads, **WAITRESS_OPTIONS)
        return
    from django.db import connections

    from . import cache

    # Sorted id lists are shared by the workers through files in a directory of this server.
    shared = tempfile.TemporaryDirectory(prefix="landcycle-workers-")
    os.environ[cache.SHARED_DIR_ENV] = shared.name
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=1024)
    connections.close_all()  # no database connection may be shared across the fork
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                waitress_serve(app, sockets=[listener], threads=threads, **WAITRESS_OPTIONS)
            finally:
                os._exit(0)
        children.append(pid)

    def stop(signum, frame):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for pid in children:
        while True:
            try:
                os.waitpid(pid, 0)
                break
            except InterruptedError:
                continue
            except ChildProcessError:
                break
    listener.close()
    shared.cleanup()
