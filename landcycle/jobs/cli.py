"""``landcycle worker [--batch]``: run background jobs (``landcycle serve`` starts one)."""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="run queued background jobs (imports); `landcycle serve` starts one itself",
    )
    parser.add_argument("--batch", action="store_true", help="run the jobs waiting now, then exit")
    parser.add_argument(
        "--interval", type=float, default=1.0, help="seconds between looks at the queue (1)"
    )
    parser.set_defaults(handler=handle_worker)


def handle_worker(args) -> int:
    from landcycle.core.commands import CommandError, setup_django

    if not 0 < args.interval <= 60:
        raise CommandError(f"--interval must be in (0, 60] seconds, got {args.interval}")
    setup_django()
    run_worker(batch=args.batch, interval=args.interval)
    return 0


def run_worker(batch: bool = False, interval: float = 1.0) -> None:
    """Fail the jobs of dead workers, delete expired uploads, then run jobs as they come."""
    import logging

    from django_tasks_db.management.commands.db_worker import Worker

    from .services import fail_stale, purge_uploads, worker_name

    for job in fail_stale():
        print(f"landcycle worker: job {job.pk} of a stopped worker marked failed", flush=True)
    purge_uploads()
    logging.basicConfig(level=logging.WARNING)
    worker = Worker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_name()[:64],
        excluded_queue_names=[],
    )
    worker.configure_signals()
    print(f"landcycle worker: running jobs ({worker_name()})", flush=True)
    try:
        worker.run()
    except SystemExit:
        pass
