"""Print every table of the configured database as JSON (rows in primary-key order) and the
SHA-256 of every stored document: what "the same database" means for tests that compare two.

    python -m tests.dbdump [--stable]

``--stable`` leaves out what differs between two builds of the same data by nature: times of
day (``DateTimeField``, and times inside JSON values), salted password hashes and session keys; and it writes floating-point
numbers to 12 significant digits, because Polars' multi-threaded sums may add the same figures in
another order from run to run (the last bit of a per-hectare figure differs; classes do not).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys

_TIME = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d")


def _stable(value):
    if isinstance(value, str) and _TIME.match(value):
        return "<time>"  # a time of day inside a JSON value (a change record's snapshot)
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_stable(v) for v in value]
    return value


def dump(stable: bool = False) -> dict:
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings
    from django.db import models

    out: dict = {"tables": {}, "documents": {}}
    for model in apps.get_models():
        if stable and model._meta.db_table == "django_session":
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if not (stable and (isinstance(f, models.DateTimeField) or f.attname == "password"))
        ]
        rows = model._base_manager.order_by("pk").values_list(*fields)
        shape = _stable if stable else (lambda v: v)
        out["tables"][model._meta.db_table] = [[repr(shape(v)) for v in row] for row in rows]
    root = Path(settings.MEDIA_ROOT)
    for path in sorted(root.rglob("*")) if root.is_dir() else []:
        if path.is_file():
            relative = path.relative_to(root).as_posix()
            out["documents"][relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    import django

    django.setup()
    print(json.dumps(dump(stable="--stable" in sys.argv), ensure_ascii=False))
