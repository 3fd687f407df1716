"""How fast is the annual evaluation? Prints its figures; not a test.

For generated districts of each size (parcels, with five years of figures) it measures:
- the engine alone (``evaluate`` on frames in memory; best of three),
- end to end (load from the database, compute, store the results) on SQLite and on
  PostgreSQL, split into load+evaluate and store, and ``landcycle evaluate`` itself as a user
  runs it (adding the schema check and the printed summary); the second run must reproduce the
  first (same inputs fingerprint and classes),
- on the smallest size, a straightforward per-row Django ORM version of the E-Town rules (one
  query per parcel for figures, leases, violations, commitments; one save per result).

Each database and size runs in its own process (Django binds one database per process):

    python benchmarks/evaluate.py --sizes 10000,100000 [--databases sqlite,postgresql]

PostgreSQL: LANDCYCLE_BENCH_PG (default postgresql://landcycle:landcycle@127.0.0.1:5432/
lc_runs_bench) is dropped and re-created. SQLite: a file under LANDCYCLE_BENCH_DIR (default
/tmp/lc-runs-bench). The data are written with ``landcycle.core.bulk.bulk_insert``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEAR = 2025
YEARS = 5
PG_URL = os.environ.get(
    "LANDCYCLE_BENCH_PG", "postgresql://landcycle:landcycle@127.0.0.1:5432/lc_runs_bench"
)
BENCH_DIR = Path(os.environ.get("LANDCYCLE_BENCH_DIR", "/tmp/lc-runs-bench"))
STREETS = 12


# ---------------------------------------------------------------- synthetic district


def _u(column: str, seed: int) -> pl.Expr:
    """A deterministic uniform number in [0, 1) per row, from the row index and a seed."""
    return (pl.col(column).hash(seed) % 1_000_003).cast(pl.Float64) / 1_000_003


def district(n: int, seed: int = 7) -> dict[str, pl.DataFrame]:
    """Ledger rows for ``n`` parcels: ids 1…n; holders 1…n, tenants n+1…; five years of figures.

    The mix is set so that every E-Town class occurs: ~80 % self-used, 12 % approved parks,
    8 % renewal parks; output and tax per hectare spread around the A thresholds; ~8 % of
    parcels leased out (half without consent), ~3 % litigation or abandoned works.
    """
    ids = pl.DataFrame({"i": pl.int_range(1, n + 1, eager=True, dtype=pl.Int64)})
    r = [_u("i", seed + k) for k in range(10)]
    parcels = ids.select(
        pl.col("i").alias("id"),
        pl.format("BM{}", pl.col("i").cast(pl.Utf8).str.zfill(8)).alias("code"),
        ((pl.col("i") % STREETS) + 1).alias("jurisdiction_id"),
        pl.lit("工业").alias("land_use"),
        pl.when(r[0] < 0.7)
        .then(pl.lit("tender_auction"))
        .when(r[0] < 0.85)
        .then(pl.lit("agreement"))
        .otherwise(pl.lit("lease_then_sell"))
        .alias("supply_method"),
        pl.when(r[1] < 0.8)
        .then(pl.lit("self_used"))
        .when(r[1] < 0.92)
        .then(pl.lit("approved_park"))
        .otherwise(pl.lit("renewal_park"))
        .alias("project_type"),
        (5_000 + r[2] * 95_000).round(1).alias("registered_area_m2"),
        pl.col("i").alias("holder_id"),
        (r[3] < 0.9).alias("in_control_line"),
        pl.date(2015, 3, 1).alias("agreed_start"),
        pl.date(2015, 6, 1).alias("actual_start"),
        pl.date(2017, 6, 1).alias("actual_completion"),
        (0.8 + r[4] * 2).round(2).alias("far"),
    )
    tenants = max(n // 10, 1)
    enterprises = pl.DataFrame(
        {"id": pl.int_range(1, n + tenants + 1, eager=True, dtype=pl.Int64)}
    ).select(
        pl.col("id"),
        pl.format("9111{}", pl.col("id").cast(pl.Utf8).str.zfill(14)).alias("uscc"),
        pl.format("测试企业{}", pl.col("id")).alias("name"),
        pl.lit("C3911").alias("industry_code"),
        pl.when(_u("id", seed + 20) < 0.6)
        .then(pl.lit("above"))
        .otherwise(pl.lit("below"))
        .alias("scale"),
    )
    # Figures per parcel per year: per-hectare output and tax spread around 3亿 and 2000万.
    area_ha = parcels.select("id", (pl.col("registered_area_m2") / 10_000).alias("ha"))
    indicators = []
    for k, year in enumerate(range(YEAR - YEARS + 1, YEAR + 1)):
        u1, u2, u3 = _u("id", seed + 30 + k), _u("id", seed + 40 + k), _u("id", seed + 50 + k)
        indicators.append(
            area_ha.select(
                pl.col("id").alias("enterprise_id"),
                pl.lit(year).alias("year"),
                pl.col("id").alias("parcel_id"),
                (pl.col("ha") * 45_000 * u1).round(1).alias("output_10k_cny"),
                (pl.col("ha") * 50_000 * u1).round(1).alias("revenue_10k_cny"),
                (pl.col("ha") * 3_000 * (0.3 + 0.7 * u2) * u1.sqrt()).round(1).alias("tax_10k_cny"),
                (pl.col("ha") * 12_000 * u1).round(1).alias("value_added_10k_cny"),
                (pl.col("ha") * 400 * (0.5 + u3)).round(1).alias("energy_tce"),
                (pl.col("ha") * 2 * u3).round(3).alias("emissions_t"),
                (pl.col("ha") * 900 * u2).round(1).alias("rd_expense_10k_cny"),
                (pl.col("ha") * 8_000 * u3).round(1).alias("investment_10k_cny"),
                (pl.col("ha") * 40 * (0.5 + u2)).round(0).cast(pl.Int64).alias("employees"),
            )
        )
    indicators = pl.concat(indicators)
    leased = parcels.filter(_u("id", seed + 60) < 0.08).select(
        pl.col("id").alias("parcel_id"),
        (n + 1 + pl.col("id") % tenants).alias("tenant_id"),
        (pl.col("registered_area_m2") * 0.3).round(1).alias("area_m2"),
        pl.date(2023, 1, 1).alias("start"),
        pl.lit(None, dtype=pl.Date).alias("end"),
        (_u("id", seed + 61) < 0.5).alias("approved"),
    )
    unauthorised = leased.filter(~pl.col("approved"))
    lease_violations = unauthorised.select(
        "parcel_id",
        pl.col("parcel_id").alias("enterprise_id"),
        pl.lit("unauthorised_lease").alias("kind"),
        pl.date(2024, 5, 1).alias("found_on"),
        pl.lit("open").alias("status"),
        (_u("parcel_id", seed + 62) < 0.4).alias("refuses_correction"),
        (_u("parcel_id", seed + 63) < 0.6).alias("agrees_to_renewal"),
    )
    other = parcels.filter(_u("id", seed + 70) < 0.03).select(
        pl.col("id").alias("parcel_id"),
        pl.col("id").alias("enterprise_id"),
        pl.when(_u("id", seed + 71) < 0.5)
        .then(pl.lit("litigation"))
        .otherwise(pl.lit("abandoned_construction"))
        .alias("kind"),
        pl.date(2025, 3, 1).alias("found_on"),
        pl.lit("open").alias("status"),
        pl.lit(None, dtype=pl.Boolean).alias("refuses_correction"),
        pl.lit(None, dtype=pl.Boolean).alias("agrees_to_renewal"),
    )
    violations = pl.concat([lease_violations, other])
    commitments = parcels.filter(pl.col("project_type") == "renewal_park").select(
        pl.col("id").alias("parcel_id"),
        pl.col("id").alias("enterprise_id"),
        pl.lit("output_per_ha").alias("indicator"),
        pl.lit(25_000.0).alias("value"),
        pl.lit("10k_cny/ha").alias("unit"),
        pl.lit(YEAR).alias("year"),
    )
    persons = max(n // 2, 1)
    person_frame = pl.DataFrame(
        {"id": pl.int_range(1, persons + 1, eager=True, dtype=pl.Int64)}
    ).select(
        pl.col("id"),
        pl.format("1101011980{}", pl.col("id").cast(pl.Utf8).str.zfill(8)).alias("id_number"),
        pl.format("责任人{}", pl.col("id")).alias("name"),
    )
    # Each holder's legal representative; two holders share a person (a related pair).
    relations = parcels.select(
        pl.col("id").alias("subject_id"),
        pl.lit(None, dtype=pl.Int64).alias("party_enterprise_id"),
        (((pl.col("id") - 1) % persons) + 1).alias("party_person_id"),
        pl.lit("legal_representative").alias("kind"),
        pl.lit(None, dtype=pl.Float64).alias("share_percent"),
    )
    jurisdictions = pl.DataFrame(
        {
            "id": list(range(1, STREETS + 1)),
            "name": [f"街道{k}" for k in range(1, STREETS + 1)],
            "kind": ["street"] * STREETS,
            "path": [f"/{k}/" for k in range(1, STREETS + 1)],
        }
    )
    return {
        "jurisdictions": jurisdictions,
        "enterprises": enterprises,
        "persons": person_frame,
        "parcels": parcels,
        "indicators": indicators,
        "leases": leased,
        "violations": violations,
        "commitments": commitments,
        "relations": relations,
    }


def engine_inputs(frames: dict[str, pl.DataFrame]):
    """The same district as the engine's input frames (for the engine-only timing)."""
    from landcycle.evaluation.engine import EvaluationInputs

    p = frames["parcels"].join(
        frames["jurisdictions"].select(
            pl.col("id").alias("jurisdiction_id"), pl.col("name").alias("jurisdiction")
        ),
        on="jurisdiction_id",
    )
    return EvaluationInputs(
        parcels=p.rename({"id": "parcel_id", "registered_area_m2": "area_m2"}),
        enterprises=frames["enterprises"]
        .rename({"id": "enterprise_id"})
        .with_columns(pl.lit([], dtype=pl.List(pl.Utf8)).alias("tags")),
        indicators=frames["indicators"].filter(pl.col("year") == YEAR),
        leases=frames["leases"],
        violations=frames["violations"],
        commitments=frames["commitments"],
        relations=frames["relations"],
    )


# ---------------------------------------------------------------- worker (one database)


def _reset_database(url: str) -> None:
    if url.startswith("postgresql"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _populate(frames) -> float:
    from django.db import connection, transaction

    from landcycle.core.bulk import bulk_insert
    from landcycle.ledger import models as m

    tables = [
        (m.Jurisdiction, "jurisdictions"),
        (m.Enterprise, "enterprises"),
        (m.Person, "persons"),
        (m.Parcel, "parcels"),
        (m.IndicatorReport, "indicators"),
        (m.Lease, "leases"),
        (m.Violation, "violations"),
        (m.Commitment, "commitments"),
        (m.Relation, "relations"),
    ]
    start = time.perf_counter()
    with transaction.atomic():
        for model, name in tables:
            frame = frames[name]
            for chunk in frame.iter_slices(200_000):  # bounded memory at a million parcels
                bulk_insert(model, chunk.columns, chunk.rows())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model, _ in tables:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
                )
            cursor.execute("ANALYZE")
    return time.perf_counter() - start


def naive_evaluate(year: int) -> int:
    """The E-Town rules one parcel at a time through the ORM — the way not to do it."""
    from django.utils import timezone

    from landcycle.evaluation.models import EvaluationResult, EvaluationRun
    from landcycle.ledger import models as m

    run = EvaluationRun.objects.create(
        year=year,
        policy_name="naive-per-row",
        policy_hash="-",
        inputs_fingerprint="-",
        created_at=timezone.now(),
    )
    last_day = dt.date(year, 12, 31)
    count = 0
    for parcel in m.Parcel.objects.all():
        reports = list(m.IndicatorReport.objects.filter(parcel=parcel, year=year))
        leases = list(m.Lease.objects.filter(parcel=parcel))
        violations = list(
            m.Violation.objects.filter(parcel=parcel, found_on__lte=last_day).exclude(
                status="remediated"
            )
        )
        commitments = list(m.Commitment.objects.filter(parcel=parcel, year=year))
        ha = parcel.registered_area_m2 / 10_000
        output = sum(r.output_10k_cny or 0 for r in reports) / ha
        tax = sum(r.tax_10k_cny or 0 for r in reports) / ha
        unapproved = [v for v in violations if v.kind == "unauthorised_lease"]
        unrelated = False
        for lease in leases:
            if lease.approved:
                continue
            shared = m.Relation.objects.filter(
                subject_id__in=[lease.tenant_id, parcel.holder_id], kind="shareholder"
            ).count()
            unrelated = unrelated or shared == 0
        serious = any(
            v.kind in ("litigation", "abandoned_construction", "industrial_to_residential")
            for v in violations
        )
        if serious or (unrelated and any(v.refuses_correction for v in unapproved)):
            klass = "D"
        elif unapproved and any(v.agrees_to_renewal for v in unapproved):
            klass = "C"
        elif parcel.project_type == "renewal_park":
            met = all(output >= c.value for c in commitments if c.indicator == "output_per_ha")
            klass = "A" if commitments and met else "B"
        elif parcel.project_type in ("self_used", "approved_park"):
            if output >= 30_000 and tax >= 2_000:
                klass = "A"
            elif not violations:
                klass = "B"
            else:
                klass = "REVIEW"
        else:
            klass = "REVIEW"
        EvaluationResult.objects.create(
            run=run,
            parcel=parcel,
            parcel_code=parcel.code,
            holder_id=parcel.holder_id,
            klass=klass,
            output_10k_cny_per_ha=output,
            tax_10k_cny_per_ha=tax,
        )
        count += 1
    return count


def worker(url: str, size: int, naive: bool) -> dict:
    os.environ["LANDCYCLE_DATABASE_URL"] = url
    os.environ.setdefault("LANDCYCLE_DATA_DIR", str(BENCH_DIR))
    _reset_database(url)
    from landcycle.cli import main, setup_django

    setup_django()
    from django.db import connection

    from landcycle.evaluation import services

    # The machine is shared: the 1-minute load average beside each figure says how loaded.
    out: dict = {"database": connection.vendor, "parcels": size, "load_avg": os.getloadavg()[0]}
    t = time.perf_counter()
    frames = district(size)
    out["generate_s"] = time.perf_counter() - t
    out["rows"] = sum(f.height for f in frames.values())
    out["populate_s"] = _populate(frames)

    policy = services.get_policy(services.DEFAULT_POLICY)
    inputs = engine_inputs(frames)
    del frames
    times = []
    for _ in range(3):
        t = time.perf_counter()
        result = services.compute(policy, inputs, YEAR)
        times.append(time.perf_counter() - t)
    out["engine_s"] = min(times)
    out["classes"] = services.class_counts(result)
    del inputs, result

    # `landcycle evaluate` as a user runs it (it also checks the schema and prints a summary).
    with open(os.devnull, "w") as devnull:
        stdout, sys.stdout = sys.stdout, devnull
        try:
            t = time.perf_counter()
            status = main(["evaluate", "--year", str(YEAR)])
            out["cli_s"] = time.perf_counter() - t
        finally:
            sys.stdout = stdout
    if status != 0:
        raise SystemExit(f"landcycle evaluate failed with status {status}")

    # End to end as the brief defines it: load from the database, compute, store results.
    t = time.perf_counter()
    prepared = services.prepare(policy, YEAR)  # load + compute + fingerprint
    out["prepare_s"] = time.perf_counter() - t
    t = time.perf_counter()
    run = services.store(prepared)
    out["store_s"] = time.perf_counter() - t
    out["end_to_end_s"] = out["prepare_s"] + out["store_s"]
    t = time.perf_counter()
    services.load_inputs(policy, YEAR)
    out["load_s"] = time.perf_counter() - t
    first = services.EvaluationRun.objects.exclude(pk=run.pk).order_by("id").first()
    out["load_avg_end"] = os.getloadavg()[0]
    out["reproduced"] = first.inputs_fingerprint == run.inputs_fingerprint and (
        first.class_counts == run.class_counts
    )
    del prepared

    if naive:
        t = time.perf_counter()
        out["naive_parcels"] = naive_evaluate(YEAR)
        out["naive_s"] = time.perf_counter() - t
    return out


# ---------------------------------------------------------------- driver


def _print(results: list[dict]) -> None:
    print()
    header = (
        f"{'db':<11}{'parcels':>10}{'rows':>11}{'populate':>10}{'engine':>9}{'load':>8}"
        f"{'load+eval':>10}{'store':>8}{'e2e':>8}{'CLI':>8}{'per-row ORM':>13}{'× faster':>10}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        naive = f"{r['naive_s']:.1f}s" if "naive_s" in r else ""
        speedup = f"{r['naive_s'] / r['end_to_end_s']:.0f}×" if "naive_s" in r else ""
        print(
            f"{r['database']:<11}{r['parcels']:>10,}{r['rows']:>11,}{r['populate_s']:>9.1f}s"
            f"{r['engine_s']:>8.2f}s{r['load_s']:>7.2f}s{r['prepare_s']:>9.2f}s"
            f"{r['store_s']:>7.2f}s{r['end_to_end_s']:>7.2f}s{r['cli_s']:>7.2f}s"
            f"{naive:>13}{speedup:>10}"
        )
    print(
        "engine: evaluate() on frames in memory, best of 3; load: ledger → frames; load+eval: "
        "load, evaluate, fingerprint; e2e = load+eval + store; CLI: `landcycle evaluate` in "
        "process (adds the schema check and the printed summary)"
    )
    for db in sorted({r["database"] for r in results}):
        rows = sorted((r for r in results if r["database"] == db), key=lambda r: r["parcels"])
        for a, b in zip(rows, rows[1:], strict=False):
            k = b["parcels"] / a["parcels"]
            print(
                f"{db}: {k:.0f}× parcels ({a['parcels']:,} → {b['parcels']:,}): end-to-end "
                f"{b['end_to_end_s'] / a['end_to_end_s']:.1f}× time, engine "
                f"{b['engine_s'] / a['engine_s']:.1f}× time"
            )
    for r in results:
        print(
            f"{r['database']} {r['parcels']:,}: load average {r['load_avg']:.1f} → "
            f"{r['load_avg_end']:.1f}; classes {r['classes']}, "
            f"rerun reproduced the fingerprint and classes: {r['reproduced']}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--naive-size",
        type=int,
        default=10_000,
        help="size at which the per-row ORM version also runs (0: never)",
    )
    parser.add_argument(
        "--worker", nargs=3, metavar=("URL", "SIZE", "NAIVE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.worker:
        url, size, naive = args.worker
        print(json.dumps(worker(url, int(size), naive == "1")))
        return 0
    sizes = sorted(int(s) for s in args.sizes.split(","))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    urls = {
        "sqlite": f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}",
        "postgresql": PG_URL,
    }
    results = []
    for db in args.databases.split(","):
        for size in sizes:
            naive = "1" if size == args.naive_size else "0"
            print(f"… {db} {size:,} parcels", file=sys.stderr, flush=True)
            proc = subprocess.run(
                [sys.executable, __file__, "--worker", urls[db], str(size), naive],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return proc.returncode
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            print(json.dumps(result), file=sys.stderr, flush=True)
            results.append(result)
    _print(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
