"""``landcycle serve``: gunicorn for the pages and a background-job worker, both supervised.

This process opens the listening socket, then starts and watches two children, restarting
either when it dies: gunicorn (its master restarts its own HTTP workers when one dies, and
kills one stuck past ``timeout``) and ``landcycle worker`` (background jobs). Children are new
interpreters (fork + exec), and gunicorn loads the app in each worker after its fork
(``preload_app`` off): Polars' thread pool is not fork-safe, so nothing Polars started may be
forked. Static files are served by WhiteNoise from the app directories.

Where gunicorn cannot run (no ``fcntl``: Windows) waitress serves in this process instead, with
the job worker supervised the same way.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

# Measured with benchmarks/web_latency.py (100k parcels, 20 clients, 2 cores): one process per
# core with 4 threads each served 140 req/s; 8 threads per process 76 req/s, one process with
# 16 threads 71 req/s (the threads of one process share its GIL; more of them only contend).
# Stop 10, the whole page mix: 2 threads per process beat 4 (SQLite 194 vs 189 req/s, worst
# p95 211 vs 247 ms; PostgreSQL 122–143 vs 109 req/s): fewer threads contend less for the GIL
# and, on PostgreSQL, for the cores with the database's own processes.
DEFAULT_THREADS = 2
# Waitress would drop every X-Forwarded-* header (it trusts no proxy unless told one address);
# landcycle.web.middleware.TrustedProxyMiddleware decides instead, from LANDCYCLE_TRUSTED_PROXIES.
WAITRESS_OPTIONS = {"ident": "landcycle", "clear_untrusted_proxy_headers": False}
RESTART_DELAY_S = 1.0  # before restarting a child that died; doubled (to 30 s) while it keeps dying


def default_workers() -> int:
    """One worker process per core where gunicorn runs, else one."""
    return (os.cpu_count() or 1) if gunicorn_available() else 1


def gunicorn_available() -> bool:
    """True when gunicorn can run here (installed, and a Unix system with ``fcntl``)."""
    try:
        import fcntl  # noqa: F401  gunicorn is for Unix

        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def application():
    """The project's WSGI application (settings ``landcycle.settings`` unless set)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def warm_up() -> None:
    """Do once per server process, before its first request, what it would otherwise do on
    its first pages: import the project's modules (Polars among them) and the URLconf (the API,
    Django REST framework, drf-spectacular), build the URL resolver, compile the project's
    templates and load the translation catalogues; without it each worker spends ~0.5 s of CPU
    on its first pages, under load. Called in each gunicorn worker after its fork (never before
    a fork: Polars). Nothing here reads the database."""
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
            if ".migrations" not in module.name and not module.name.endswith("gunicorn_conf"):
                importlib.import_module(module.name)
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    reverse("overview:dashboard")  # builds the resolver's reverse dictionaries
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


class Supervisor:
    """Keeps child processes running: each is restarted when it exits, until ``stop()``."""

    def __init__(self, children: dict[str, list[str]], env: dict, pass_fds=()):
        self.commands = children
        self.env = env
        self.pass_fds = tuple(pass_fds)
        self.processes: dict[str, subprocess.Popen] = {}
        self.delays = dict.fromkeys(children, RESTART_DELAY_S)
        self.stopping = threading.Event()

    def start(self, name: str) -> None:
        """Start (or restart) the child ``name`` with its command line."""
        self.processes[name] = subprocess.Popen(
            self.commands[name], env=self.env, pass_fds=self.pass_fds
        )

    def run(self) -> None:
        """Start every child and restart those that exit, until ``stop()``."""
        for name in self.commands:
            self.start(name)
        started = dict.fromkeys(self.commands, time.monotonic())
        while not self.stopping.wait(0.5):
            for name, process in list(self.processes.items()):
                if process.poll() is None:
                    continue
                print(
                    f"landcycle serve: {name} (pid {process.pid}) exited with"
                    f" {process.returncode}; restarting",
                    file=sys.stderr,
                    flush=True,
                )
                # Back off while a child dies right after starting (e.g. a broken database).
                quick = time.monotonic() - started[name] < 10
                self.delays[name] = min(self.delays[name] * 2, 30) if quick else RESTART_DELAY_S
                if self.stopping.wait(self.delays[name]):
                    break
                self.start(name)
                started[name] = time.monotonic()
        self._terminate()

    def stop(self, *_args) -> None:
        """Ask ``run()`` to end (signal handler): it then terminates the children."""
        self.stopping.set()

    def _terminate(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 30
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=2048)
    listener.set_inheritable(True)
    return listener


def serve(
    host: str = "127.0.0.1", port: int = 8000, threads: int = DEFAULT_THREADS, workers: int = 1
) -> None:
    """Block serving ``/`` (officers), ``/portal/``, ``/api/`` and ``/api/schema/``.

    Raises OSError when the address cannot be listened on.
    """
    listener = _listen(host, port)
    _refresh_statistics()
    worker = [sys.executable, "-m", "landcycle.cli", "worker"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "landcycle.settings"}
    print(
        f"landcycle: serving on http://{host}:{port}/  (portal /portal/, API /api/),"
        f" {workers} worker process{'es' if workers > 1 else ''} × {threads} threads"
        f" ({'gunicorn' if gunicorn_available() else 'waitress'}) and a job worker",
        flush=True,
    )
    from . import cache

    # Sorted id lists are shared by the server's processes through files in this directory.
    with tempfile.TemporaryDirectory(prefix="landcycle-workers-") as shared:
        env[cache.SHARED_DIR_ENV] = shared
        if not gunicorn_available():
            _serve_waitress(listener, threads, worker, env)
            return
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:landcycle.web.gunicorn_conf",
            "--bind",
            f"fd://{listener.fileno()}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "landcycle.wsgi:application",
        ]
        supervisor = Supervisor(
            {"gunicorn": gunicorn, "job worker": worker}, env, pass_fds=[listener.fileno()]
        )
        signal.signal(signal.SIGTERM, supervisor.stop)
        signal.signal(signal.SIGINT, supervisor.stop)
        supervisor.run()
    listener.close()


def _refresh_statistics() -> None:
    """The planner's statistics of a database filled before they were kept after bulk writes
    (``core.databases.refresh_statistics``); the connection is closed before the server starts."""
    from django.db import connections

    from landcycle.core.databases import refresh_statistics

    refresh_statistics()
    connections.close_all()


def _serve_waitress(listener: socket.socket, threads: int, worker: list[str], env: dict) -> None:
    from waitress import serve as waitress_serve

    os.environ.update({k: v for k, v in env.items() if k not in os.environ})
    supervisor = Supervisor({"job worker": worker}, env)
    thread = threading.Thread(target=supervisor.run, name="job-worker-supervisor", daemon=True)
    thread.start()
    app = application()
    warm_up()
    try:
        waitress_serve(app, sockets=[listener], threads=threads, **WAITRESS_OPTIONS)
    finally:
        supervisor.stop()
        thread.join(timeout=35)


def demo_marker() -> Path:
    """Marks a data directory the demo was built in (``<data dir>/demo/installation``): ``landcycle
    serve`` may then run on the directory's own random key (``settings._local_secret_key``)
    instead of refusing."""
    from django.conf import settings

    return Path(settings.DATA_DIR) / "demo" / "installation"


def is_demo_installation() -> bool:
    """Whether the demo was built in this data directory."""
    return demo_marker().is_file()
