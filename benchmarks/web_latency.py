"""Web latency under load: a 100k-parcel district served by ``landcycle serve`` (gunicorn).

    python benchmarks/web_latency.py [--parcels 100000] [--clients 20] [--requests 900]
                                     [--data-dir DIR] [--database-url URL] [--rebuild] [--workers 2]
                                     [--threads 4]

Builds the demo district once (``landcycle.demo`` generator → importer → evaluation; kept in
DATA_DIR for later runs), starts the server in a subprocess on a free loopback port, logs 20
clients in as the evaluation officer (zone-wide: the largest querysets), and has them request,
in random order, the parcel list (a random page in the default order), the parcel list sorted by
another column (area, street, holder: a sort over all rows), a parcel card (random parcel) and a
map bounding box (a random view of the district at zoom 15). Prints p50 / p95 / max latency per
kind and overall. Target: p95 < 300 ms for each kind.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "landcycle-demo"
SORTS = ["-code", "area_ha", "-area_ha", "street", "holder"]


def build(parcels: int) -> None:
    """Runs in a subprocess whose environment names the database."""
    sys.path.insert(0, str(ROOT))
    from landcycle.core.commands import setup_django

    setup_django()
    from landcycle.ledger.models import Parcel

    if Parcel.objects.count() >= parcels:
        from landcycle.demo.users import create_demo_users

        create_demo_users()
        return
    from landcycle.demo.services import build_demo

    start = time.perf_counter()
    build_demo(parcels=parcels, say=lambda text: print(text, flush=True))
    print(f"built {parcels} parcels in {time.perf_counter() - start:.0f} s", flush=True)


def facts(parcels_env: dict) -> dict:
    """Parcel ids and the district's extent, read once for the request generator."""
    code = (
        "import json,sys; sys.path.insert(0, %r)\n"
        "from landcycle.core.commands import setup_django; setup_django(migrate=False)\n"
        "from django.db.models import Max, Min\n"
        "from landcycle.ledger.models import Parcel\n"
        "box = Parcel.objects.aggregate(a=Min('min_lon'), b=Min('min_lat'), c=Max('max_lon'),"
        " d=Max('max_lat'))\n"
        "ids = list(Parcel.objects.values_list('pk', flat=True))\n"
        "print(json.dumps({'box': box, 'ids': ids}))\n"
    ).replace("%r", repr(str(ROOT)))
    out = subprocess.run(
        [sys.executable, "-c", code], env=parcels_env, capture_output=True, text=True, check=True
    )
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def logged_in_opener(base: str, username: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": base})
    response = opener.open(request)
    if "/login/" in response.geturl():
        raise SystemExit("login failed")
    return opener


def requests_plan(count: int, ids: list[int], box: dict, pages: int, rng: random.Random):
    plan = []
    width, height = 0.02, 0.012  # about a 1400 x 900 px view at zoom 15
    for i in range(count):
        kind = ("list", "sorted", "card", "map")[i % 4]
        if kind == "list":
            url = f"/parcels/?page={rng.randint(1, pages)}"
        elif kind == "sorted":
            url = f"/parcels/?page={rng.randint(1, pages)}&sort={rng.choice(SORTS)}"
        elif kind == "card":
            url = f"/parcels/{rng.choice(ids)}/"
        else:
            x = rng.uniform(box["a"], max(box["a"], box["c"] - width))
            y = rng.uniform(box["b"], max(box["b"], box["d"] - height))
            url = f"/map/parcels.geojson?bbox={x:.6f},{y:.6f},{x + width:.6f},{y + height:.6f}&zoom=15"
        plan.append((kind, url))
    rng.shuffle(plan)
    return plan


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=900)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--database-url", default=None, help="default: SQLite in the data dir")
    parser.add_argument("--rebuild", action="store_true", help="delete the data dir first")
    parser.add_argument("--workers", type=int, default=2, help="server processes (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per server process (4)")
    args = parser.parse_args()

    data_dir = args.data_dir or Path(tempfile.gettempdir()) / f"landcycle-web-bench-{args.parcels}"
    if args.rebuild and data_dir.exists():
        import shutil

        shutil.rmtree(data_dir)
    env = {**os.environ, "LANDCYCLE_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    env.setdefault("LANDCYCLE_SECRET_KEY", secrets.token_urlsafe(50))  # serve refuses without
    if args.database_url:
        env["LANDCYCLE_DATABASE_URL"] = args.database_url
    else:
        env.pop("LANDCYCLE_DATABASE_URL", None)
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
    code += f"from benchmarks.web_latency import build; build({args.parcels})"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)
    info = facts(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "landcycle.cli", "serve", "--port", str(port)]
        + ["--threads", str(args.threads), "--workers", str(args.workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/portal/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        rng = random.Random(7)
        pages = max(1, len(info["ids"]) // 50)
        plan = requests_plan(args.requests, info["ids"], info["box"], pages, rng)
        openers = [logged_in_opener(base, "evaluator") for _ in range(args.clients)]
        # Warm up: the first request of each kind pays for imports and caches.
        for _kind, url in plan[:8]:
            openers[0].open(base + url).read()
        timings: dict[str, list[float]] = {"list": [], "sorted": [], "card": [], "map": []}
        lock = threading.Lock()
        cursor = iter(plan)
        failures = []

        def client(opener):
            while True:
                with lock:
                    item = next(cursor, None)
                if item is None:
                    return
                kind, url = item
                start = time.perf_counter()
                try:
                    with opener.open(base + url, timeout=60) as response:
                        response.read()
                        status = response.status
                except Exception as exc:  # noqa: BLE001 - report every failure
                    failures.append(f"{url}: {exc}")
                    continue
                elapsed = (time.perf_counter() - start) * 1000
                if status != 200:
                    failures.append(f"{url}: {status}")
                with lock:
                    timings[kind].append(elapsed)

        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(o,)) for o in openers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(
        f"web latency: {len(info['ids'])} parcels, {args.clients} concurrent clients, "
        f"{args.requests} requests in {wall:.1f} s ({args.requests / wall:.0f} req/s), "
        f"{args.workers} server processes × {args.threads} threads, "
        f"database {'SQLite' if not args.database_url else args.database_url.split(':')[0]}"
    )
    # Other work on the machine competes for the same cores: say how much there was.
    print(f"load average (1 min) before {load_before:.1f}, after {load_after:.1f}")
    print(f"{'request':<10}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    every = []
    for kind, values in timings.items():
        every += values
        if values:
            print(
                f"{kind:<10}{len(values):>6}{statistics.median(values):>10.0f}"
                f"{percentile(values, 0.95):>10.0f}{max(values):>10.0f}"
            )
    print(
        f"{'all':<10}{len(every):>6}{statistics.median(every):>10.0f}"
        f"{percentile(every, 0.95):>10.0f}{max(every):>10.0f}"
    )
    if failures:
        print(f"{len(failures)} failures, e.g. {failures[:3]}")
        return 1
    worst = max(percentile(v, 0.95) for v in timings.values() if v)
    print(f"target p95 < 300 ms: {'met' if worst < 300 else 'NOT met'} (worst {worst:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
