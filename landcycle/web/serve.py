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

DEFAULT_THREADS = 16


def application():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def serve(
    host: str = "127.0.0.1", port: int = 8000, threads: int = DEFAULT_THREADS, workers: int = 1
) -> None:
    """Block serving ``/`` (officers), ``/portal/``, ``/api/`` and ``/api/schema/``."""
    from waitress import serve as waitress_serve

    app = application()
    print(
        f"landcycle: serving on http://{host}:{port}/  (portal /portal/, API /api/)"
        + (f", {workers} worker processes" if workers > 1 else ""),
        flush=True,
    )
    if workers <= 1:
        waitress_serve(app, host=host, port=port, threads=threads, ident="landcycle")
        return
    from django.db import connections

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
                waitress_serve(app, sockets=[listener], threads=threads, ident="landcycle")
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
