"""Inbox (待办) latency at district scale: the service and the whole page, per role.

    python benchmarks/inbox.py [--parcels 100000] [--share 0.2] [--requests 30]
                               [--database-url URL]

Builds, in a temporary data directory (SQLite unless --database-url names a PostgreSQL database
that may be emptied), ``--parcels`` parcels in 12 streets, an open stock-land case on ``--share``
of them with deadlines spread from 400 days late to 60 days ahead (so every section of the
inbox is full: hundreds of long-overdue items), an exit case on 1 % and an agreement on 1 %.
Then times ``services.due.due_items`` and ``GET /inbox/`` (Django's test client, in process:
the server's own time, no network) for the evaluation officer (zone-wide, the largest inbox),
a street officer and an enterprise user. Prints items per role and p50 / p95 / max in ms of the
service, of the page computed afresh (as after any write: the page caches each scope's inbox
per data version) and of the page served from that cache. Target: p95 < 300 ms for the page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(parcels: int, share: float) -> dict:
    from django.contrib.auth import get_user_model

    from landcycle.core.identifiers import uscc_with_check_digit
    from landcycle.ledger.models import Enterprise, Jurisdiction, Parcel
    from landcycle.lifecycle.models import ExitCase, StockLandCase, SupervisionAgreement
    from landcycle.web.models import Profile

    rng = random.Random(13)
    today = dt.date.today()
    district = Jurisdiction.objects.create(name="基准区", kind="district")
    streets = [
        Jurisdiction.objects.create(name=f"基准街道{n}", parent=district, kind="street")
        for n in range(12)
    ]
    firms = Enterprise.objects.bulk_create(
        Enterprise(uscc=uscc_with_check_digit(f"9133020671{n:07d}"), name=f"基准企业{n}")
        for n in range(parcels // 4)
    )
    Parcel.objects.bulk_create(
        (
            Parcel(
                code=f"BM{n:06d}",
                jurisdiction=streets[n % len(streets)],
                holder=firms[n % len(firms)],
                land_use="工业",
                registered_area_m2=20_000.0,
            )
            for n in range(parcels)
        ),
        batch_size=5_000,
    )
    rows = list(Parcel.objects.values_list("pk", "holder_id", "jurisdiction_id"))
    stock, exits, agreements = [], [], []
    for index, (pk, holder, street) in enumerate(rows):
        if rng.random() < share:
            deadline = today + dt.timedelta(days=rng.randint(-400, 60))
            stock.append(
                StockLandCase(
                    parcel_id=pk,
                    category="low_efficiency",
                    identified_on=today - dt.timedelta(days=500),
                    deadline=deadline,
                )
            )
        if index % 100 == 0:
            exits.append(
                ExitCase(
                    enterprise_id=holder,
                    parcel_id=pk,
                    jurisdiction_id=street,
                    trigger="unauthorised_disposal",
                    facts="基准",
                    verified_on=today - dt.timedelta(days=40),
                    interview_due=today - dt.timedelta(days=rng.randint(-20, 200)),
                )
            )
        if index % 100 == 50:
            agreements.append(
                SupervisionAgreement(
                    number=f"BM-LY-{index}",
                    parcel_id=pk,
                    enterprise_id=holder,
                    signed_on=today - dt.timedelta(days=1000),
                    valid_from=today - dt.timedelta(days=1000),
                    attainment_due=today + dt.timedelta(days=rng.randint(-30, 30)),
                )
            )
    StockLandCase.objects.bulk_create(stock, batch_size=5_000)
    ExitCase.objects.bulk_create(exits, batch_size=5_000)
    SupervisionAgreement.objects.bulk_create(agreements, batch_size=5_000)
    users = {}
    for username, role, extra in (
        ("evaluator", "evaluation_officer", {}),
        ("street", "street_officer", {"jurisdiction": streets[0]}),
        ("firm", "enterprise_user", {"enterprise": firms[0]}),
    ):
        user = get_user_model().objects.create_user(username, password="x")
        Profile.objects.create(user=user, role=role, **extra)
        users[username] = user
    return users


def timed(fn, n: int) -> list[float]:
    """Wall milliseconds of ``n`` calls (in process: the server's own time), sorted."""
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return sorted(out)


def figures(values: list[float]) -> str:
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"p50 {values[len(values) // 2]:6.0f}  p95 {p95:6.0f}  max {values[-1]:6.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--share", type=float, default=0.2, help="parcels with a stock-land case")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    os.environ["LANDCYCLE_DATA_DIR"] = tempfile.mkdtemp(prefix="landcycle-inbox-bench-")
    if args.database_url:
        os.environ["LANDCYCLE_DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("LANDCYCLE_DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    from landcycle.cli import setup_django

    setup_django()
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from landcycle.ledger.models import Parcel
    from landcycle.lifecycle.services.due import due_items
    from landcycle.web import cache

    if Parcel.objects.exists():
        raise SystemExit("the database is not empty: name a fresh one")
    settings.ALLOWED_HOSTS = ["*"]
    start = time.perf_counter()
    users = build(args.parcels, args.share)
    print(f"built {args.parcels} parcels in {time.perf_counter() - start:.0f} s", flush=True)
    today = timezone.localdate()
    for name, user in users.items():
        items = due_items(user, today)
        client = Client()
        client.force_login(user)
        assert client.get("/inbox/").status_code == 200  # warm
        service = timed(lambda user=user: due_items(user, today), args.requests)

        def cold(client=client):
            cache.clear()  # as after any write: the inbox is computed again
            client.get("/inbox/")

        page_cold = timed(cold, args.requests)
        page_warm = timed(lambda client=client: client.get("/inbox/"), args.requests)
        print(f"{name:10s} {len(items):6d} items  service    {figures(service)}")
        print(f"{'':10s} {'':6s}        page cold  {figures(page_cold)}")
        print(f"{'':10s} {'':6s}        page warm  {figures(page_warm)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
