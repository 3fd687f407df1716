"""Engine benchmark: synthetic frames of 10k, 100k and 1M parcels, time per policy.

    python benchmarks/engine.py [--sizes 10000 100000 1000000] [--policies NAME ...]

Five years of indicators for every holder and tenant (≈ 5.5 rows per parcel), leases for a
tenth of the parcels, violations for a thirtieth, relations (a legal representative each, some
shareholdings). Prints the engine time (inputs already in memory) and the 10× ratios: as runs
use it (``texts=False``: a rule policy's reasons and gaps are written when results are read),
and with every text written at once.
"""

from __future__ import annotations

import argparse
import time

from landcycle.evaluation.engine import evaluate, list_policies, load_policy
from landcycle.evaluation.engine.synthetic import synthetic_inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--policies", nargs="+", default=None)
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs")
    args = parser.parse_args()
    names = args.policies or [p.name for p in list_policies()]
    policies = [load_policy(name) for name in names]
    times: dict[str, list[float]] = {p.name: [] for p in policies}
    cpus: dict[str, list[float]] = {p.name: [] for p in policies}
    for n in args.sizes:
        start = time.perf_counter()
        inputs = synthetic_inputs(n)
        built = time.perf_counter() - start
        print(
            f"{n:>9,} parcels: {inputs.indicators.height:,} indicator rows, "
            f"{inputs.leases.height:,} leases, {inputs.violations.height:,} violations, "
            f"{inputs.relations.height:,} relations (built in {built:.1f} s)"
        )
        for policy in policies:
            figures = []
            for texts in (False, True):
                best = cpu_best = float("inf")
                for _ in range(args.repeat):
                    start, cpu = time.perf_counter(), time.process_time()
                    result = evaluate(policy, inputs, 2025, texts=texts)
                    best = min(best, time.perf_counter() - start)
                    cpu_best = min(cpu_best, time.process_time() - cpu)
                assert result.height == n
                figures.append((best, cpu_best))
            (best, cpu_best), (with_texts, with_texts_cpu) = figures
            times[policy.name].append(best)
            cpus[policy.name].append(cpu_best)
            # CPU time (all threads) helps read wall times on a machine shared with other work.
            print(
                f"    {policy.name:<28} {best:8.3f} s   (cpu {cpu_best:.3f} s)"
                f"   with every text {with_texts:6.3f} s (cpu {with_texts_cpu:.3f} s)"
            )
        del inputs
    if len(args.sizes) > 1:
        # On a shared machine wall time follows the load of others; CPU time less so.
        print("\n10× ratios (time for 10× the parcels ÷ time), wall | cpu:")
        for name in times:
            wall, cpu = (
                "  ".join(f"{b / a:.1f}×" for a, b in zip(v, v[1:], strict=False))
                for v in (times[name], cpus[name])
            )
            print(f"    {name:<28} {wall}   |   {cpu}")


if __name__ == "__main__":
    main()
