"""``landcycle jurisdictions list | move NODE --to PARENT``: the jurisdiction tree."""

from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "jurisdictions", help="list the jurisdiction tree or move a node (行政区划)"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the tree, one node a line")
    listing.set_defaults(handler=handle_list)
    move = actions.add_parser(
        "move",
        help="put a street/town/zone (and everything below it) under another node",
        description="NODE and PARENT are a name, a path of names (北仑区/大榭街道) or an id.",
    )
    move.add_argument("node")
    move.add_argument("--to", required=True, dest="parent", help="new parent ('/' for top level)")
    move.set_defaults(handler=handle_move)


def _find(text: str):
    from landcycle.core.commands import CommandError
    from landcycle.ledger.models import Jurisdiction

    if text.isdigit():
        found = list(Jurisdiction.objects.filter(pk=int(text)))
    else:
        names = [part for part in text.strip("/").split("/") if part]
        found = list(Jurisdiction.objects.filter(name=names[-1])) if names else []
        if len(names) > 1:
            by_id = {j.pk: j for j in Jurisdiction.objects.all()}

            def names_of(node):
                ids = [int(i) for i in node.path.strip("/").split("/")]
                return [by_id[i].name for i in ids]

            found = [j for j in found if names_of(j)[-len(names) :] == names]
    if not found:
        raise CommandError(f"找不到行政区划 no jurisdiction {text!r}")
    if len(found) > 1:
        raise CommandError(
            f"「{text}」有 {len(found)} 个同名节点，请写上级/名称或编号 — ambiguous: "
            + ", ".join(f"{j.pk} ({j.path})" for j in found)
        )
    return found[0]


def handle_list(args) -> int:
    from landcycle.core.commands import setup_django

    setup_django()
    from landcycle.ledger.models import Jurisdiction

    for node in Jurisdiction.objects.order_by("path"):
        depth = node.path.count("/") - 2
        print(f"{'  ' * depth}{node.name} [{node.get_kind_display()}] #{node.pk}")
    return 0


def handle_move(args) -> int:
    from landcycle.core.commands import CommandError, setup_django

    setup_django()
    from landcycle.core.context import changes_by
    from landcycle.ledger.services import LedgerError, move_jurisdiction

    node = _find(args.node)
    parent = None if args.parent.strip() == "/" else _find(args.parent)
    try:
        with changes_by(source=f"cli jurisdictions move {args.node} --to {args.parent}"[:200]):
            moved = move_jurisdiction(node, parent)
    except LedgerError as exc:
        raise CommandError(str(exc)) from exc
    where = parent.name if parent else "顶层 top level"
    print(f"已移动 moved: {node.name} → {where}（{moved} 个节点 nodes）")
    return 0
