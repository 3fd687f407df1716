"""Change history for every ledger record: who (the name copied), when, from what operation,
before and after.

Single saves (admin, forms, services) are recorded by signals on models that inherit
``ChangeLogged``; ``QuerySet.update()`` on them is recorded too (``ChangeLoggedQuerySet``).
Bulk writes (imports) call ``record_bulk`` with the rows they wrote, so a 100k-row import costs
one bulk insert of records, not 100k signal round trips.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from .context import current
from .permissions import RestrictedQuerySet


def _json_value(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    return value


def _change_record():
    """The ChangeRecord model, looked up by name: ``models`` imports this module (for
    ``ChangeLogged``), so this module does not import ``models``."""
    return apps.get_model("core", "ChangeRecord")


class ChangeLoggedQuerySet(RestrictedQuerySet):
    """``update()`` that writes a change record for every row whose values it changed."""

    CHUNK = 10_000  # rows read back per query (SQLite's bound-parameter limit)

    def update(self, **kwargs):
        fields = [self.model._meta.get_field(name) for name in kwargs]
        attnames = [field.attname for field in fields]
        with transaction.atomic(using=self.db):
            before = {
                row[0]: dict(zip(attnames, row[1:], strict=True))
                for row in self.values_list("pk", *attnames)
            }
            count = super().update(**kwargs)
            ids = list(before)
            changes = []
            for start in range(0, len(ids), self.CHUNK):
                chunk = ids[start : start + self.CHUNK]
                rows = self.model._base_manager.using(self.db).filter(pk__in=chunk)
                for pk, *values in rows.values_list("pk", *attnames):
                    after = dict(zip(attnames, values, strict=True))
                    if after != before[pk]:
                        changes.append(
                            (
                                pk,
                                f"{self.model._meta.verbose_name} #{pk}",
                                snapshot_from_row(before[pk]),
                                snapshot_from_row(after),
                            )
                        )
            if changes:
                record_bulk(self.model, changes)
        return count

    update.alters_data = True
    update.queryset_only = True


class ChangeLogged(models.Model):
    """Mixin: single saves and deletes of this model, and ``objects.….update()``, are written to
    the change log."""

    objects = ChangeLoggedQuerySet.as_manager()

    class Meta:
        abstract = True

    def snapshot(self) -> dict:
        return {
            field.attname: _json_value(getattr(self, field.attname))
            for field in self._meta.concrete_fields
            if field.attname != "id"
        }


def snapshot_from_row(row: dict) -> dict:
    return {key: _json_value(value) for key, value in row.items() if key != "id"}


@receiver(pre_save)
def _remember_before(sender, instance, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLogged) or instance.pk is None:
        return
    previous = sender._base_manager.filter(pk=instance.pk).first()
    instance._changelog_before = previous.snapshot() if previous else None


@receiver(post_save)
def _record_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLogged):
        return
    ChangeRecord = _change_record()  # noqa: N806

    before = None if created else getattr(instance, "_changelog_before", None)
    after = instance.snapshot()
    if before == after:
        return
    ChangeRecord.objects.create(
        time=timezone.now(),
        **_who(),
        content_type=ContentType.objects.get_for_model(sender),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        action=ChangeRecord.Action.CREATE
        if created or before is None
        else ChangeRecord.Action.UPDATE,
        before=before,
        after=after,
    )


@receiver(post_delete)
def _record_delete(sender, instance, **kwargs):
    if not isinstance(instance, ChangeLogged):
        return
    ChangeRecord = _change_record()  # noqa: N806

    ChangeRecord.objects.create(
        time=timezone.now(),
        **_who(),
        content_type=ContentType.objects.get_for_model(sender),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        action=ChangeRecord.Action.DELETE,
        before=instance.snapshot(),
        after=None,
    )


def _who() -> dict:
    """The change record's fields that say who changed it and in which operation."""
    context = current()
    operation = context.operation
    return {
        "user_id": context.user_id,
        "actor_name": context.user_name[:200],
        "source": context.source,
        "operation_type_id": (
            ContentType.objects.get_for_model(operation).pk if operation is not None else None
        ),
        "operation_id": getattr(operation, "pk", None),
    }


def record_bulk_frame(model: type[models.Model], frame) -> int:
    """``record_bulk`` for a Polars frame of object_id, object_repr, before, after.

    ``before`` and ``after`` are JSON text (Utf8, null for none), built by the caller for the
    whole column at once; the action follows from which of them is null, as in ``record_bulk``.
    """
    import polars as pl

    from .bulk import bulk_insert_frame

    ChangeRecord = _change_record()  # noqa: N806

    who = _who()
    content_type_id = ContentType.objects.get_for_model(model).pk
    action = (
        pl.when(pl.col("before").is_null())
        .then(pl.lit(ChangeRecord.Action.CREATE.value))
        .when(pl.col("after").is_null())
        .then(pl.lit(ChangeRecord.Action.DELETE.value))
        .otherwise(pl.lit(ChangeRecord.Action.UPDATE.value))
    )
    rows = frame.select(
        pl.lit(timezone.now()).alias("time"),
        pl.lit(who["user_id"], dtype=pl.Int64).alias("user_id"),
        pl.lit(who["actor_name"], dtype=pl.Utf8).alias("actor_name"),
        pl.lit(who["source"], dtype=pl.Utf8).alias("source"),
        pl.lit(who["operation_type_id"], dtype=pl.Int64).alias("operation_type_id"),
        pl.lit(who["operation_id"], dtype=pl.Int64).alias("operation_id"),
        pl.lit(content_type_id, dtype=pl.Int64).alias("content_type_id"),
        pl.col("object_id").cast(pl.Int64),
        pl.col("object_repr").cast(pl.Utf8).str.slice(0, 200),
        action.alias("action"),
        pl.col("before").cast(pl.Utf8),
        pl.col("after").cast(pl.Utf8),
    )
    return bulk_insert_frame(ChangeRecord, rows)


def record_bulk(
    model: type[models.Model],
    changes: Iterable[tuple[int, str, dict | None, dict | None]],
) -> int:
    """Record many changes at once: (object_id, object_repr, before, after) each.

    ``before`` None means created; ``after`` None means deleted.
    """
    from .bulk import bulk_insert

    ChangeRecord = _change_record()  # noqa: N806

    who = _who()
    content_type_id = ContentType.objects.get_for_model(model).pk
    now = timezone.now()
    fixed = (
        who["user_id"],
        who["actor_name"],
        who["source"],
        who["operation_type_id"],
        who["operation_id"],
    )
    create, update, delete = (
        ChangeRecord.Action.CREATE.value,
        ChangeRecord.Action.UPDATE.value,
        ChangeRecord.Action.DELETE.value,
    )
    rows = [
        (
            now,
            *fixed,
            content_type_id,
            object_id,
            object_repr[:200],
            create if before is None else delete if after is None else update,
            before,
            after,
        )
        for object_id, object_repr, before, after in changes
    ]
    bulk_insert(
        ChangeRecord,
        [
            "time",
            "user_id",
            "actor_name",
            "source",
            "operation_type_id",
            "operation_id",
            "content_type_id",
            "object_id",
            "object_repr",
            "action",
            "before",
            "after",
        ],
        rows,
    )
    return len(rows)
