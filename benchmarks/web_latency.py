"""Web latency under load: a 100k-parcel district served by ``landcycle serve`` (gunicorn).

    python benchmarks/web_latency.py [--parcels 100000] [--clients 20] [--requests 1000]
                                     [--data-dir DIR] [--database-url URL] [--rebuild] [--workers 2]
                                     [--threads 2] [--kinds list,sorted,card,map,...]

Builds the demo district once (``landcycle.demo`` generator → importer → evaluation → lifecycle
cases; kept in DATA_DIR for later runs), starts the server in a subprocess on a free loopback
port, logs 20 clients in as the evaluation officer (zone-wide: the largest querysets), and has
them request, in random order:

- the ledger: the parcel list (a random page in the default order), the parcel list sorted by
  another column (area, street, holder: a sort over all rows), a parcel card (random parcel), a
  map bounding box (a random view of the district at zoom 15), the dashboard (district totals by
  class and street);
- the yearly evaluation: the run page of the run on notice (a random page, random sort), the
  lists page (A list, key-service list, C and D lists, prices), the public notice page of that run
  (公示: a random page of 100k results, without a login: where objections start) and the
  enterprise's own results page (an enterprise user: where it objects);
- the lifecycle: the officer's inbox (待办) and a case list (a random page of the stock-land
  cases, the largest: one per idle or low-efficiency parcel);
- without a login, the public portal (published available land and the A list).

Prints p50 / p95 / max latency per kind and overall. Target: p95 < 300 ms for each kind. On
Linux it also prints where the CPU went during the timed phase, per request: the server's
processes, the database's (a local PostgreSQL) and this benchmark's clients, which share the
machine's cores.
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
# The four ledger kinds take most requests; every other page one in sixteen each.
KINDS = ("list", "sorted", "card", "map") * 2 + (
    "dashboard",
    "portal",
    "run",
    "lists",
    "notice",
    "mine",
    "inbox",
    "cases",
)
RUN_SORTS = ["parcel_code", "-score", "klass", "-output_per_ha", "rank"]
# Kinds requested without the officer's session: the public, and the enterprise user.
PUBLIC_KINDS = {"portal", "notice"}
ENTERPRISE_KINDS = {"mine"}


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
        "from landcycle.evaluation.models import EvaluationRun\n"
        "from landcycle.lifecycle.models import StockLandCase\n"
        "run = EvaluationRun.objects.filter(status='notice', notice_public=True).order_by('-id')"
        ".values_list('pk', 'parcel_count').first() or (None, 0)\n"
        "cases = StockLandCase.objects.count()\n"
        "print(json.dumps({'box': box, 'ids': ids, 'run': run, 'cases': cases}))\n"
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


def requests_plan(count: int, info: dict, pages: int, rng: random.Random, kinds=KINDS):
    plan = []
    ids, box = info["ids"], info["box"]
    run, run_rows = info["run"]
    run_pages, case_pages = max(1, run_rows // 50), max(1, info["cases"] // 50)
    width, height = 0.02, 0.012  # about a 1400 x 900 px view at zoom 15
    for i in range(count):
        kind = kinds[i % len(kinds)]
        if kind == "run":
            sort = rng.choice(RUN_SORTS)
            url = f"/runs/{run}/?page={rng.randint(1, run_pages)}&sort={sort}"
        elif kind == "lists":
            url = "/lists/"
        elif kind == "notice":
            url = f"/notice/{run}/?page={rng.randint(1, run_pages)}"
        elif kind == "mine":
            url = "/notice/mine/"
        elif kind == "inbox":
            url = "/inbox/"
        elif kind == "cases":
            url = f"/stockland/?page={rng.randint(1, case_pages)}"
        elif kind == "dashboard":
            url = "/"
        elif kind == "portal":
            url = "/portal/"
        elif kind == "list":
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


def cpu_seconds(server_pid: int) -> dict[str, float] | None:
    """CPU seconds (user + system) used so far by the server's process tree, the local
    PostgreSQL backends and this process; None where /proc is not there (not Linux)."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return None
    tick = os.sysconf("SC_CLK_TCK")
    parents, used, names = {}, {}, {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
        fields = rest.split()
        pid = int(entry.name)
        parents[pid], names[pid] = int(fields[1]), name
        used[pid] = (int(fields[11]) + int(fields[12])) / tick

    def in_server(pid: int) -> bool:
        while pid > 1:
            if pid == server_pid:
                return True
            pid = parents.get(pid, 0)
        return False

    totals = {"server": 0.0, "database": 0.0, "clients": used.get(os.getpid(), 0.0)}
    for pid, seconds in used.items():
        if in_server(pid):
            totals["server"] += seconds
        elif names[pid] == "postgres":
            totals["database"] += seconds
    return totals


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--database-url", default=None, help="default: SQLite in the data dir")
    parser.add_argument("--rebuild", action="store_true", help="delete the data dir first")
    parser.add_argument("--workers", type=int, default=2, help="server processes (2)")
    parser.add_argument("--threads", type=int, default=2, help="threads per server process (2)")
    parser.add_argument(
        "--kinds",
        default=",".join(dict.fromkeys(KINDS)),
        help="comma-separated kinds of request to make, in equal shares (default: all, "
        "the four ledger kinds two in sixteen each, every other one in sixteen)",
    )
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
        # Wait on the login page (cheap): a timed-out request keeps running in the server.
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        rng = random.Random(7)
        pages = max(1, len(info["ids"]) // 50)
        chosen = args.kinds.split(",")
        if unknown := set(chosen) - set(KINDS):
            raise SystemExit(f"unknown kinds: {sorted(unknown)}")
        kinds = KINDS if set(chosen) == set(KINDS) else tuple(chosen)
        if info["run"][0] is None:
            raise SystemExit("no run on public notice: rebuild the data (--rebuild)")
        plan = requests_plan(args.requests, info, pages, rng, kinds)
        openers = [logged_in_opener(base, "evaluator") for _ in range(args.clients)]
        # The portal and the notice are public: without a session (an anonymous visitor); the
        # enterprise's own page with the demo enterprise user's session.
        public = urllib.request.build_opener()
        enterprise = logged_in_opener(base, "enterprise")

        def opener_for(kind, officer):
            if kind in PUBLIC_KINDS:
                return public
            return enterprise if kind in ENTERPRISE_KINDS else officer

        # Warm up: the first request of each kind, and of each sort order of the sorted pages,
        # pays for imports and for what is kept per data version (a sort of 100k rows, the
        # run's sums): what the first officer after a write pays once. Their times are printed:
        # the cold cost is shown, not hidden; the timed phase is the steady state.
        firsts = {kind: url for kind, url in reversed(plan)}
        warm = list(firsts.items())
        if "sorted" in kinds:
            warm += [("sorted", f"/parcels/?page=1&sort={sort}") for sort in SORTS]
        if "run" in kinds:
            warm += [("run", f"/runs/{info['run'][0]}/?page=1&sort={s}") for s in RUN_SORTS]
        cold = []
        for kind, url in warm:
            start = time.perf_counter()
            opener_for(kind, openers[0]).open(base + url).read()
            cold.append((time.perf_counter() - start) * 1000)
        timings: dict[str, list[float]] = {kind: [] for kind in dict.fromkeys(kinds)}
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
                    with opener_for(kind, opener).open(base + url, timeout=60) as response:
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
        cpu_before = cpu_seconds(server.pid)
        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(o,)) for o in openers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        cpu_after = cpu_seconds(server.pid)
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        try:  # the supervisor stops its workers once their requests end
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    print(
        f"web latency: {len(info['ids'])} parcels, {args.clients} concurrent clients, "
        f"{args.requests} requests in {wall:.1f} s ({args.requests / wall:.0f} req/s), "
        f"{args.workers} server processes × {args.threads} threads, "
        f"database {'SQLite' if not args.database_url else args.database_url.split(':')[0]}"
    )
    print(
        f"warm-up (one client, before timing): {len(cold)} requests, "
        f"slowest {max(cold):.0f} ms, total {sum(cold) / 1000:.1f} s"
    )
    # Other work on the machine competes for the same cores: say how much there was.
    print(f"load average (1 min) before {load_before:.1f}, after {load_after:.1f}")
    if cpu_before and cpu_after:
        spent = {k: (cpu_after[k] - cpu_before[k]) * 1000 / args.requests for k in cpu_after}
        print(
            "CPU per request (ms, timed phase): "
            + ", ".join(f"{k} {v:.1f}" for k, v in spent.items())
            + f"; total {sum(spent.values()):.1f} on {os.cpu_count()} cores"
        )
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
