"""Changes to the ledger's structure that must keep derived data right.

The jurisdiction tree is a materialised path ("/1/4/9/") so that "this node and everything
below it" is one indexed prefix query (officers' scopes, street lists, stock land). Moving a
node therefore rewrites the path of its whole subtree, in one UPDATE; the change log records
every node whose path changed.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Substr

from .models import Jurisdiction


class LedgerError(ValueError):
    """A change the ledger refuses; the message is for the user (Chinese first)."""


def path_for(node: Jurisdiction, parent: Jurisdiction | None) -> str:
    """The materialised path ``node`` has under ``parent`` ("/<ids of ancestors>/<id>/")."""
    return (parent.path if parent else "/") + f"{node.pk}/"


@transaction.atomic
def move_jurisdiction(node: Jurisdiction, new_parent: Jurisdiction | None) -> int:
    """Put ``node`` (and everything below it) under ``new_parent`` (None: a top-level zone).

    Returns the number of nodes whose path changed (the node and its descendants). Raises
    ``LedgerError`` when ``new_parent`` is the node itself or one of its descendants, or when
    the new parent already has a child of the same name. Every moved node gets a change record.
    """
    node = Jurisdiction.objects.select_for_update().get(pk=node.pk)
    if new_parent is not None:
        new_parent = Jurisdiction.objects.get(pk=new_parent.pk)
        if new_parent.path.startswith(node.path):
            raise LedgerError(
                f"不能把「{node.name}」移到它自己或它的下级「{new_parent.name}」之下"
                " — cannot move a node under itself"
            )
    sibling = Jurisdiction.objects.filter(parent=new_parent, name=node.name).exclude(pk=node.pk)
    if sibling.exists():
        where = new_parent.name if new_parent else "顶层"
        raise LedgerError(
            f"「{where}」下已有同名的「{node.name}」 — a node of that name exists there"
        )
    old_path, new_path = node.path, path_for(node, new_parent)
    if old_path == new_path and node.parent_id == (new_parent.pk if new_parent else None):
        return 0
    subtree = Jurisdiction.objects.filter(path__startswith=old_path)
    count = subtree.count()
    # Both updates are change-logged row by row (ChangeLoggedQuerySet).
    Jurisdiction.objects.filter(pk=node.pk).update(parent=new_parent)
    subtree.update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=CharField())
    )
    return count
