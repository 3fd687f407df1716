"""``landcycle serve [--host H] [--port P] [--threads N] [--workers W]``."""

from __future__ import annotations


def register(subparsers) -> None:
    """Add ``landcycle serve [--host H] [--port P] [--threads N] [--workers W]`` to ``subparsers``."""
    parser = subparsers.add_parser(
        "serve",
        help="serve the web app: officers' UI at /, portal at /portal/, API at /api/",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (8000)")
    from .serve import DEFAULT_THREADS, default_workers

    parser.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        help=f"threads per process ({DEFAULT_THREADS})",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help=f"server processes (gunicorn workers; one per core: {default_workers()} here)",
    )
    parser.set_defaults(handler=handle_serve)


def handle_serve(args) -> int:
    """``landcycle serve``: check the port (1..65535) and workers (1..64), refuse to start without
    LANDCYCLE_SECRET_KEY (unless DEBUG or a demo data directory), then serve until stopped;
    returns exit code 0. Refusals and a port that cannot be bound → CommandError.
    """
    from landcycle.core.commands import CommandError, setup_django

    if not 0 < args.port < 65536:
        raise CommandError(f"--port must be 1..65535, got {args.port}")
    workers = getattr(args, "workers", 1)
    if not 1 <= workers <= 64:
        raise CommandError(f"--workers must be 1..64, got {workers}")
    setup_django(migrate=False)  # settings only: refuse before touching the database
    from django.conf import settings

    from .serve import is_demo_installation

    demo = getattr(args, "demo", False) or is_demo_installation()
    if not (settings.LANDCYCLE_SECRET_KEY_FROM_ENV or settings.DEBUG or demo):
        raise CommandError(
            "未设置 LANDCYCLE_SECRET_KEY，拒绝启动 refusing to serve without LANDCYCLE_SECRET_KEY: "
            "set it to a long random secret (python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'), or LANDCYCLE_DEBUG=1 for development"
        )
    if demo and not settings.LANDCYCLE_SECRET_KEY_FROM_ENV:
        print(
            "演示数据目录：使用本目录中的随机密钥；正式部署请设置 LANDCYCLE_SECRET_KEY"
            " (demo data directory: serving on its own random key)",
            flush=True,
        )
    setup_django()
    from .serve import serve

    try:
        if workers > 1:
            serve(args.host, args.port, threads=args.threads, workers=workers)
        else:
            serve(args.host, args.port, threads=args.threads)
    except OSError as exc:
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {exc}") from None
    return 0
