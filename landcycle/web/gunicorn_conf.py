"""gunicorn settings of ``landcycle serve`` (bind, workers and threads come on its command line).

Read by the gunicorn master, which must stay free of Django and Polars: the app is loaded in
each worker after the fork (``preload_app`` off), then warmed up before its first request.
"""

import os

worker_class = "gthread"  # threads per worker share its database connections and caches
preload_app = False  # Polars' thread pool is not fork-safe: load the app after the fork
# A request running longer than this is stuck: the master kills the worker and starts another.
timeout = int(os.environ.get("LANDCYCLE_REQUEST_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
max_requests = 0
accesslog = os.environ.get("LANDCYCLE_ACCESS_LOG") or None  # a file, or "-" for stdout
errorlog = "-"
loglevel = "warning"
proc_name = "landcycle"


def post_worker_init(worker):
    """Warm the freshly loaded app before the worker takes requests (see serve.warm_up)."""
    from landcycle.web.serve import warm_up

    warm_up()
