"""The demo is the same district whatever Python's hash seed: two processes, one database each."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _build(tmp_path: Path, hash_seed: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "LANDCYCLE_DATABASE_URL"}
    env |= {"LANDCYCLE_DATA_DIR": str(tmp_path / hash_seed), "PYTHONHASHSEED": hash_seed}
    landcycle = str(Path(sys.executable).with_name("landcycle"))
    subprocess.run(
        [landcycle, "demo", "--no-serve", "--parcels", "120"],
        env=env, cwd=REPO, check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-m", "tests.dbdump", "--stable"],
        env=env, cwd=REPO, check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    return json.loads(out.stdout)


@pytest.mark.slow
def test_demo_is_the_same_under_different_hash_seeds(tmp_path):
    first, second = _build(tmp_path, "1"), _build(tmp_path, "2")
    assert first["tables"]["ledger_parcel"] and first["tables"]["web_profile"]
    differing = [t for t in first["tables"] if first["tables"][t] != second["tables"].get(t)]
    assert differing == []
