"""Import benchmark: a generated district of 10k and 100k parcels into fresh databases.

    python benchmarks/import_district.py [--sizes 10000 100000] [--databases sqlite postgresql]

Generates the district with ``landcycle.demo.generator`` (about 0.75 enterprises per parcel,
persons, relations, leases, buildings and five years of indicators), writes it as a CSV folder
(and, for the smallest size, an .xlsx whose read time is printed too), then imports each size into
a fresh SQLite file and a fresh PostgreSQL database, one subprocess per run so every run starts
cold. Prints seconds and rows/second per run and the time ratio between the sizes.
Targets: 100k parcels under 60 s on each database; 10x the rows in at most 12x the time.
PostgreSQL: LANDCYCLE_BENCH_PG (default postgresql://landcycle:landcycle@127.0.0.1:5432/postgres)
names a server where a scratch database ``lc_bench_import`` may be dropped and created.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get(
    "LANDCYCLE_BENCH_PG", "postgresql://landcycle:landcycle@127.0.0.1:5432/postgres"
)
PG_DB = "lc_bench_import"


def worker(folder: str) -> None:
    """Runs in a subprocess with LANDCYCLE_DATABASE_URL set: migrate, then time the import."""
    sys.path.insert(0, str(ROOT))
    from landcycle.core.commands import setup_django

    setup_django()
    from landcycle.imports.services import run_import

    stages: list[tuple[str, float]] = []
    last = [time.perf_counter(), ""]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if last[1]:
            stages.append((last[1], round(now - last[0], 2)))
        last[:] = [now, stage]

    import resource

    start = time.perf_counter()
    cpu_start = resource.getrusage(resource.RUSAGE_SELF)
    result = run_import([folder], progress=progress)
    seconds = time.perf_counter() - start
    cpu_end = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_end.ru_utime - cpu_start.ru_utime) + (cpu_end.ru_stime - cpu_start.ru_stime)
    rows = sum(c.created + c.updated + c.unchanged for c in result.counts.values())
    print(
        json.dumps(
            {
                "ok": result.ok,
                "seconds": seconds,
                "cpu": cpu,
                "rows": rows,
                "stages": stages,
                "errors": [p.line() for p in result.errors[:5]],
            }
        )
    )


def _fresh_postgres() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_DB}"


def _run(folder: Path, database: str, scratch: Path) -> dict:
    if database == "sqlite":
        db_file = scratch / f"{folder.name}.sqlite3"
        db_file.unlink(missing_ok=True)
        url = f"sqlite:///{db_file}"
    else:
        url = _fresh_postgres()
    env = {**os.environ, "LANDCYCLE_DATABASE_URL": url, "LANDCYCLE_DATA_DIR": str(scratch)}
    out = subprocess.run(
        [sys.executable, __file__, "--worker", str(folder)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--worker", metavar="FOLDER", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    scratch = Path(tempfile.mkdtemp(prefix="lc-bench-import-"))
    os.environ.setdefault("LANDCYCLE_DATA_DIR", str(scratch))
    # Readers find tables by the interchange schema, which names the ledger's models.
    from landcycle.core.commands import setup_django

    setup_django(migrate=False)
    from landcycle.demo.generator import generate_district, write_csv_folder, write_workbook
    from landcycle.imports.readers import read_inputs

    results: dict[tuple[str, int], dict] = {}
    for size in args.sizes:
        start = time.perf_counter()
        tables = generate_district(parcels=size, seed=args.seed)
        folder = write_csv_folder(tables, scratch / f"district-{size}")
        rows = sum(t.height for t in tables.values())
        print(f"{size:>7} parcels: {rows:,} rows generated in {time.perf_counter() - start:.1f} s")
        if size == min(args.sizes):
            path = write_workbook(tables, scratch / f"district-{size}.xlsx")
            start = time.perf_counter()
            inputs = read_inputs([path])
            print(
                f"{'':>7} xlsx read ({sum(s.frame.height for s in (*inputs.sheets, *inputs.grids)):,}"
                " rows):"
                f" {time.perf_counter() - start:.2f} s"
            )
        del tables
        for database in args.databases:
            result = _run(folder, database, scratch)
            results[(database, size)] = result
            if not result["ok"]:
                print(f"  {database}: import failed: {result['errors']}")
                continue
            print(
                f"  {database:<10} {result['seconds']:7.1f} s  {result['rows']:>9,} rows "
                f"{result['rows'] / result['seconds']:>9,.0f} rows/s  "
                f"(this process's CPU {result['cpu']:.1f} s; load average {os.getloadavg()[0]:.1f})"
            )
            print("             " + ", ".join(f"{s} {t}" for s, t in result["stages"]))
    sizes = sorted(args.sizes)
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        for database in args.databases:
            a, b = results.get((database, small)), results.get((database, large))
            if not (a and b and a["ok"] and b["ok"]):
                continue
            time_ratio = b["seconds"] / a["seconds"]
            row_ratio = b["rows"] / a["rows"]
            print(
                f"{database}: {large:,} vs {small:,} parcels: {row_ratio:.1f}x rows in "
                f"{time_ratio:.1f}x time (target ≤ {1.2 * row_ratio:.1f}x); "
                f"{large:,} parcels in {b['seconds']:.1f} s (target < 60 s)"
            )


if __name__ == "__main__":
    main()
