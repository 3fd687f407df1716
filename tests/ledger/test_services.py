import subprocess
import sys
from pathlib import Path

import pytest

from landcycle.core.models import ChangeRecord
from landcycle.ledger.models import Jurisdiction, Parcel
from landcycle.ledger.services import LedgerError, move_jurisdiction
from tests.factories import JurisdictionFactory, ParcelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(change_context):
    north = JurisdictionFactory(name="北区", kind="district")
    south = JurisdictionFactory(name="南区", kind="district")
    street = JurisdictionFactory(name="新碶街道", parent=north)
    town = JurisdictionFactory(name="一镇", parent=street, kind="town")
    zone = JurisdictionFactory(name="一园", parent=town, kind="zone")
    return north, south, street, town, zone


def _fresh(node):
    return Jurisdiction.objects.get(pk=node.pk)


def test_move_rewrites_the_whole_subtree(tree):
    north, south, street, town, zone = tree
    parcel = ParcelFactory(jurisdiction=zone)
    assert move_jurisdiction(street, south) == 3
    assert _fresh(street).path == f"{south.path}{street.pk}/"
    assert _fresh(town).path == f"{south.path}{street.pk}/{town.pk}/"
    assert _fresh(zone).path == f"{south.path}{street.pk}/{town.pk}/{zone.pk}/"
    assert _fresh(street).parent_id == south.pk
    # "This node and below" now follows the move, for every level.
    assert set(_fresh(south).subtree()) == {_fresh(n) for n in (south, street, town, zone)}
    assert set(_fresh(north).subtree()) == {north}
    assert Parcel.objects.filter(jurisdiction__path__startswith=_fresh(south).path).get() == parcel
    # Every moved node is in the change log with its old and new path, and the street's
    # record of its new parent.
    old_paths = {n.pk: n.path for n in (street, town, zone)}
    with_path = [
        r
        for r in ChangeRecord.objects.filter(object_id__in=old_paths).order_by("id")
        if r.action == ChangeRecord.Action.UPDATE and "path" in (r.before or {})
        and r.before["path"]
    ]  # fmt: skip
    assert {r.object_id: (r.before["path"], r.after["path"]) for r in with_path} == {
        pk: (old, _fresh(Jurisdiction(pk=pk)).path) for pk, old in old_paths.items()
    }
    parent_change = ChangeRecord.objects.filter(object_id=street.pk, after__parent_id=south.pk)
    assert parent_change.get().before == {"parent_id": north.pk}


def test_move_to_top_level(tree):
    _north, _south, street, town, _zone = tree
    move_jurisdiction(street, None)
    assert _fresh(street).path == f"/{street.pk}/"
    assert _fresh(town).path == f"/{street.pk}/{town.pk}/"


@pytest.mark.parametrize("target", ["street", "town", "zone"])
def test_move_under_itself_or_below_is_refused(tree, target):
    nodes = dict(zip(("north", "south", "street", "town", "zone"), tree, strict=True))
    paths = {n.pk: n.path for n in tree}
    with pytest.raises(LedgerError, match="不能把「新碶街道」移到"):
        move_jurisdiction(nodes["street"], nodes[target])
    assert {n.pk: _fresh(n).path for n in tree} == paths


def test_move_next_to_a_namesake_is_refused(tree):
    _north, south, street, _town, _zone = tree
    JurisdictionFactory(name="新碶街道", parent=south)
    with pytest.raises(LedgerError, match="已有同名"):
        move_jurisdiction(street, south)


def test_saving_a_new_parent_is_refused(tree):
    _north, south, street, town, _zone = tree
    street.parent = south
    with pytest.raises(ValueError, match="move_jurisdiction"):
        street.save()
    assert _fresh(town).path.startswith(tree[0].path)


def test_street_officer_of_the_new_parent_sees_the_moved_subtree(tree):
    from landcycle.web.permissions import Role, restricted
    from tests.web.factories import user_with_role

    north, south, street, town, zone = tree
    parcels = [ParcelFactory(jurisdiction=n) for n in (street, town, zone)]
    officer_south = user_with_role("south", Role.STREET_OFFICER, jurisdiction=south)
    officer_north = user_with_role("north", Role.STREET_OFFICER, jurisdiction=north)
    assert not restricted(Parcel, officer_south).exists()
    move_jurisdiction(street, south)
    officer_south = type(officer_south).objects.get(pk=officer_south.pk)
    officer_north = type(officer_north).objects.get(pk=officer_north.pk)
    assert set(restricted(Parcel, officer_south)) == set(parcels)
    assert not restricted(Parcel, officer_north).exists()


def test_cli_moves_and_refuses(tmp_path):
    env = {"LANDCYCLE_DATA_DIR": str(tmp_path), "PATH": str(Path(sys.executable).parent)}
    landcycle = str(Path(sys.executable).with_name("landcycle"))
    setup = (
        "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','landcycle.settings');"
        "from landcycle.cli import setup_django; setup_django();"
        "from landcycle.ledger.models import Jurisdiction as J;"
        "n=J.objects.create(name='北区', kind='district'); s=J.objects.create(name='南区', kind='district');"
        "st=J.objects.create(name='新碶街道', parent=n); J.objects.create(name='一镇', parent=st)"
    )
    subprocess.run([sys.executable, "-c", setup], env=env, check=True)
    done = subprocess.run(
        [landcycle, "jurisdictions", "move", "北区/新碶街道", "--to", "南区"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "已移动" in done.stdout and "2 个节点" in done.stdout
    listing = subprocess.run(
        [landcycle, "jurisdictions", "list"], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert listing.index("南区") < listing.index("新碶街道") < listing.index("一镇")
    refused = subprocess.run(
        [landcycle, "jurisdictions", "move", "南区", "--to", "一镇"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "不能把「南区」移到" in refused.stderr and "Traceback" not in refused.stderr
