"""Latency of the public-notice and objection pages, and a run started as a background job.

    python benchmarks/notice_pages.py [--parcels 20000] [--requests 40] [--data-dir DIR]
                                      [--database-url URL]

Builds the demo district (its latest year's run of the adopted policy is on notice), files an
objection as the demo enterprise user, then requests each page in-process (Django's test client,
no server: the figures are the pages' own time, queries included) and prints p50 / p95 / max per
page; then times a run of the adopted policy made through the jobs app (the worker's code path,
run inline) with its progress steps. Pages: the public notice (a random page; a search), the
enterprise's results, the objection, the run page with its objections, the parcel card with the
objections panel, the publish confirmation.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--data-dir")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    os.environ["LANDCYCLE_DATA_DIR"] = args.data_dir or tempfile.mkdtemp(prefix="lc-notice-")
    if args.database_url:
        os.environ["LANDCYCLE_DATABASE_URL"] = args.database_url
    sys.path.insert(0, str(ROOT))
    from landcycle.cli import setup_django

    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from landcycle.core.context import changes_by
    from landcycle.demo.services import build_demo
    from landcycle.demo.users import create_demo_users
    from landcycle.evaluation import notice, services
    from landcycle.evaluation.models import EvaluationRun
    from landcycle.ledger.models import Parcel

    settings.ALLOWED_HOSTS = ["*"]
    settings.LANDCYCLE_WEB_SYNC_JOBS = True
    if Parcel.objects.count() < args.parcels:
        started = time.perf_counter()
        build_demo(parcels=args.parcels, say=lambda text: None)
        print(f"built {args.parcels} parcels in {time.perf_counter() - started:.0f} s")
    create_demo_users()
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    officer, enterprise = users.get(username="evaluator"), users.get(username="enterprise")
    run = EvaluationRun.objects.filter(status="notice", notice_public=True).order_by("-id").first()
    if run is None:
        raise SystemExit("the demo has no run on public notice")
    mine = notice.objectable_results(enterprise, run).first()
    if mine is None:
        raise SystemExit("the demo enterprise has no parcel in the run on notice")
    with changes_by(user_id=enterprise.pk, source="benchmark"):
        objection = run.objections.filter(parcel_id=mine.parcel_id).first() or (
            notice.file_objection(run, mine.parcel, enterprise, "基准测试异议")
        )
    draft = EvaluationRun.objects.filter(status="draft").first()
    rng = random.Random(7)
    pages = max(1, run.parcel_count // 50)
    as_officer, as_enterprise, public = Client(), Client(), Client()
    as_officer.force_login(officer)
    as_enterprise.force_login(enterprise)
    plan = {
        "notice page": (public, lambda: f"/notice/{run.pk}/?page={rng.randint(1, pages)}"),
        "notice search": (public, lambda: f"/notice/{run.pk}/?q=有限公司&page=2"),
        "my results": (as_enterprise, lambda: "/notice/mine/"),
        "objection": (as_enterprise, lambda: f"/objections/{objection.pk}/"),
        "run page": (as_officer, lambda: f"/runs/{run.pk}/"),
        "card + panel": (as_officer, lambda: f"/parcels/{objection.parcel_id}/"),
    }
    if draft is not None:
        plan["publish form"] = (as_officer, lambda: f"/runs/{draft.pk}/notice/")
    print(f"{run.parcel_count} results on notice (run #{run.pk}); {args.requests} requests a page")
    print(f"{'page':<14} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for name, (client, url) in plan.items():
        times, queries = [], 0
        for _ in range(args.requests):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url())
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {response.status_code}")
            queries = len(captured)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{name:<14} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f} {queries:8d}"
        )

    from landcycle.evaluation import background

    started = time.perf_counter()
    job = background.start_job(
        officer.pk, {"action": "start", "year": run.year, "policy": run.policy_name}
    )
    elapsed = time.perf_counter() - started
    made = services.find_run(job.result["run_id"])
    print(
        f"background run: {made.parcel_count} parcels in {elapsed:.1f} s ({job.state}); "
        f"draft #{made.pk}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
