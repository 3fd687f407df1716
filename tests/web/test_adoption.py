"""Adopting a policy from the runs page, and the current results on every page: a what-if run
finalized afterwards changes nothing outside its own pages."""

import re

import pytest
from django.urls import reverse

from landcycle.core.context import changes_by
from landcycle.evaluation import adoption
from landcycle.evaluation import services as evaluation
from landcycle.evaluation.current import classes_of
from landcycle.evaluation.models import EvaluationResult, EvaluationRun, PolicyAdoption
from landcycle.lifecycle.services.stockland import latest_final_classes
from landcycle.web import cache
from tests.web.conftest import client_for

ROLES_REFUSED = ["evaluation_officer", "street_officer", "department_reader", "enterprise_user"]


def post_adopt(client, **data):
    return client.post(reverse("evaluation:run_adopt"), data)


# ---- permissions and the form ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES_REFUSED, "no_role", None])
def test_only_administrators_may_adopt(world, role):
    client = client_for(world.users[role] if role else None)
    response = post_adopt(
        client, zone="测试区", year="2025", policy="zhejiang-mujun", reason="试", confirm="yes"
    )
    if role is None:
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code == 403
    assert not PolicyAdoption.objects.exists()
    # the runs page shows no adoption form to them
    if role in ROLES_REFUSED:
        page = client.get(reverse("evaluation:run_list")).content.decode()
        assert "采用政策" in page and 'action="/runs/adopt/"' not in page


@pytest.mark.django_db
def test_administrator_confirms_then_adopts(world):
    client = client_for(world.users["administrator"])
    page = client.get(reverse("evaluation:run_list")).content.decode()
    assert 'action="/runs/adopt/"' in page and "zhejiang-mujun" in page
    data = {"zone": "测试区", "year": "2025", "policy": "zhejiang-mujun", "reason": "亩均论英雄"}
    confirm = post_adopt(client, **data)
    assert confirm.status_code == 200 and "确认采用" in confirm.content.decode()
    assert "beijing-etown-2023" in confirm.content.decode()  # what it replaces
    assert not PolicyAdoption.objects.exists()  # nothing before the confirmation
    done = post_adopt(client, **data, confirm="yes")
    assert done.status_code == 302
    stored = PolicyAdoption.objects.get()
    assert (stored.zone, stored.year, stored.policy_name) == (
        world.district,
        2025,
        "zhejiang-mujun",
    )
    assert stored.adopted_by == world.users["administrator"] and stored.reason == "亩均论英雄"
    listing = client.get(reverse("evaluation:run_list")).content.decode()
    assert "亩均论英雄" in listing and "已采用「zhejiang-mujun」" in listing
    # the 2025 draft of E-Town is now a what-if, labelled so on its pages
    assert (
        "模拟"
        in client.get(reverse("evaluation:run_detail", args=[world.run_draft.pk])).content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"year": "2024", "policy": "zhejiang-mujun", "reason": "改"}, "不能再改采用政策"),
        ({"year": "2025", "policy": "no-such", "reason": "改"}, "no-such"),
        ({"year": "2025", "policy": "zhejiang-mujun", "reason": ""}, "请填写采用理由"),
        ({"year": "明年", "policy": "zhejiang-mujun", "reason": "改"}, "不是年份"),
    ],
)
def test_refusals_are_explained_in_chinese(world, data, reason):
    client = client_for(world.users["administrator"])
    response = post_adopt(client, zone="测试区", confirm="yes", **data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert reason in page
    assert not PolicyAdoption.objects.exists()


# ---- end to end: the demo district ----------------------------------------------------------


def portal_bytes(client):
    """The portal page, byte for byte but for the CSRF token of the language switch."""
    cache.clear()
    page = client.get(reverse("portal:index")).content
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)


def figures(client, parcel_id):
    """The dashboard's figures, the card's class and the map's classes, as the pages give them."""
    cache.clear()
    data = client.get(reverse("overview:dashboard")).context["data"]
    card = client.get(reverse("ledger:parcel_detail", args=[parcel_id]))
    html = card.content.decode()
    shown = re.search(r'data-current-class="([^"]+)"', html).group(1)
    return {
        "by_class": [
            (r["klass"], r["count"], r["area_ha"], r["output_100m_cny"]) for r in data["by_class"]
        ],
        "by_street": [(r["jurisdiction__name"], r["output_100m_cny"]) for r in data["by_street"]],
        "run": data["run"].pk,
        "card": (card.context["current"].klass, shown),
        "card_rows": [r.run_id for r in card.context["evaluations"]],
    }


def a_list(run):
    return set(run.results.filter(klass="A").values_list("parcel_code", flat=True))


@pytest.mark.django_db(transaction=False)
def test_a_what_if_finalized_changes_nothing_and_adoption_switches(tmp_path, settings):
    from landcycle.demo.services import build_demo
    from landcycle.demo.users import create_demo_users

    settings.DATA_DIR = tmp_path
    built = build_demo(parcels=120, output=tmp_path)
    create_demo_users()
    admin = client_for(EvaluationRun.objects.get(pk=built.run_id).created_by or _admin())
    public = client_for(None)
    adopted_2024 = EvaluationRun.objects.get(pk=built.previous_run_id)
    assert adopted_2024.policy_name == "zhejiang-mujun" and adopted_2024.status == "final"
    parcel = adopted_2024.results.filter(klass="A").order_by("parcel_code").first()

    portal_before = portal_bytes(public)
    before = figures(admin, parcel.parcel_id)
    assert before["run"] == adopted_2024.pk and before["card"] == ("A", "A")
    assert sum(row[1] for row in before["by_class"]) == 120  # every parcel has its class
    # zhejiang-mujun stores output per ha only: output by class is per ha × area, not 0.0
    expected_output = sum(
        r.output_10k_cny_per_ha * r.area_m2 / 10_000
        for r in adopted_2024.results.exclude(output_10k_cny_per_ha=None).exclude(area_m2=None)
    )
    assert expected_output > 0
    assert sum(row[3] for row in before["by_class"]) == pytest.approx(
        expected_output / 10_000, abs=0.01 * len(before["by_class"])
    )
    for code in a_list(adopted_2024):
        assert code.encode() in portal_before
    map_before = classes_of(_admin())
    stock_before = latest_final_classes()

    # A what-if: E-Town for 2024, evaluated, published and made final.
    with changes_by(source="test"):
        what_if = evaluation.run_evaluation(2024, "beijing-etown-2023")
        evaluation.publish(what_if)
        what_if = evaluation.finalize(what_if, force=True)
    assert what_if.status == "final" and a_list(what_if) != a_list(adopted_2024)
    assert adoption.is_what_if(what_if)

    assert portal_bytes(public) == portal_before
    assert figures(admin, parcel.parcel_id) == before
    cache.clear()
    assert classes_of(_admin()) == map_before
    assert latest_final_classes() == stock_before
    run_page = admin.get(reverse("evaluation:run_detail", args=[what_if.pk])).content.decode()
    assert "模拟试算" in run_page

    # 2025: the adoption changes before final, and the pages follow it once final.
    with changes_by(source="test"):
        adoption.adopt(2025, "beijing-etown-2023", "改用开发区标准试点")
        etown_2025 = EvaluationRun.objects.get(pk=built.what_if_run_id)
        evaluation.publish(etown_2025)
        etown_2025 = evaluation.finalize(etown_2025, force=True)
        mujun_2025 = evaluation.finalize(EvaluationRun.objects.get(pk=built.run_id), force=True)
    assert adoption.is_what_if(mujun_2025) and not adoption.is_what_if(etown_2025)
    after = figures(admin, parcel.parcel_id)
    assert after["run"] == etown_2025.pk
    expected = dict(
        EvaluationResult.objects.filter(run=etown_2025).values_list("parcel_id", "klass")
    )
    assert after["card"][0] == expected[parcel.parcel_id]
    assert {row[0]: row[1] for row in after["by_class"]} == etown_2025.class_counts
    portal_after = portal_bytes(public).decode()
    for code in a_list(etown_2025):
        assert code in portal_after
    for code in a_list(adopted_2024) - a_list(etown_2025):
        assert code not in portal_after
    cache.clear()
    assert classes_of(_admin()) == expected
    with pytest.raises(evaluation.TransitionError, match="不能再改采用政策"):
        adoption.adopt(2025, "zhejiang-mujun", "改回")


def _admin():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="admin")
