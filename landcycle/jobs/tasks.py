"""The queue's task (defined beside the runner it calls, ``services.run_job``)."""

from .services import run_job  # noqa: F401
