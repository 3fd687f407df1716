"""Supervision agreement pages: create with commitments and units, steps, breaches, the
first-quarter review; refusals shown on the page."""

import datetime as dt

import pytest
from django.urls import reverse

from landcycle.lifecycle.models import SupervisionAgreement as Agreement
from landcycle.lifecycle.services import agreements
from tests.lifecycle.conftest import d
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def form_data(world, **extra):
    data = {
        "number": "MTG-LY-2021-001",
        "parcel": world.parcel_a.code,
        "enterprise": "",
        "signed_on": "2021-06-01",
        "terms-TOTAL_FORMS": "6",
        "terms-INITIAL_FORMS": "6",
        "terms-MIN_NUM_FORMS": "0",
        "terms-MAX_NUM_FORMS": "6",
    }
    terms = [
        ("investment_per_ha", ">=", "1.1", "亿元/公顷"),
        ("tax_per_ha", ">=", "2000", "万元/公顷"),
        ("rd_intensity", ">=", "3.5", "%"),
    ]
    for i in range(6):
        indicator, op, value, unit = terms[i] if i < len(terms) else ("", ">=", "", "")
        data.update(
            {
                f"terms-{i}-indicator": indicator,
                f"terms-{i}-op": op,
                f"terms-{i}-value": value,
                f"terms-{i}-unit": unit,
                f"terms-{i}-from_year": "",
            }
        )
    data.update(extra)
    return data


def create(world, role="street_officer", **extra):
    client = client_for(world.users[role])
    return client.post(reverse("lifecycle:agreement_create"), form_data(world, **extra))


def test_create_form_offers_the_rules_default_terms(world):
    page = client_for(world.users["administrator"]).get(reverse("lifecycle:agreement_create"))
    text = page.content.decode()
    assert 'value="11000.0"' in text or 'value="11000"' in text
    assert 'value="万元/公顷"' in text and 'value="星"' in text


def test_officer_registers_an_agreement_with_units_and_default_attainment(world):
    response = create(world)
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert agreement.enterprise == world.ent_a  # the parcel's holder by default
    assert agreement.valid_from == d("2021-06-01")
    assert agreement.attainment_due == d("2024-06-01")  # 3 years (rules.toml)
    terms = {t.indicator: (t.op, t.value, t.unit) for t in agreement.terms.all()}
    assert terms == {
        "investment_per_ha": (">=", 1.1, "亿元/公顷"),
        "tax_per_ha": (">=", 2000.0, "万元/公顷"),
        "rd_intensity": (">=", 3.5, "%"),
    }
    page = client_for(world.users["street_officer"]).get(response.url).content.decode()
    assert "不低于 1.1 亿元/公顷" in page and "11000 万元/公顷" in page


def test_a_wrong_unit_or_a_duplicate_number_is_refused_on_the_page(world):
    bad = create(world, **{"terms-2-unit": "万元"})
    assert bad.status_code == 200
    assert "未能登记：承诺 3: 研发投入强度 的单位应为 %" in bad.content.decode()
    assert not Agreement.objects.exists()
    create(world)
    again = create(world)
    assert "协议编号 MTG-LY-2021-001 已存在" in again.content.decode()
    assert Agreement.objects.count() == 1


def test_street_officer_cannot_register_on_another_streets_parcel(world):
    response = create(world, parcel=world.parcel_b.code)
    assert response.status_code == 200 and not Agreement.objects.exists()
    assert "宗地代码「B-0001」不存在或不在您可办理的范围内" in response.content.decode()


def test_steps_stars_then_early_expiry_refused_then_terminate(world):
    agreement = agreements.create_agreement(
        number="LY-1",
        parcel=world.parcel_a,
        enterprise=world.ent_a,
        signed_on=d("2021-06-01"),
        valid_to=d("2031-06-01"),
    )
    client = client_for(world.users["street_officer"])

    def post(step, **data):
        return client.post(reverse("lifecycle:agreement_step", args=[agreement.pk, step]), data)

    assert post("stars", stars="2").status_code == 302
    agreement.refresh_from_db()
    assert agreement.green_building_stars == 2
    refused = post("expire", on="2025-03-01", confirm="on")
    assert "未能办理：协议有效期至 2031-06-01，2025-03-01 尚未到期" in refused.content.decode()
    unconfirmed = post("terminate", on="2025-03-01")
    assert unconfirmed.status_code == 200
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ACTIVE
    assert post("terminate", on="2025-03-01", confirm="on").status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.TERMINATED
    page = client.get(reverse("lifecycle:agreement_detail", args=[agreement.pk])).content.decode()
    assert 'id="step-expire"' not in page  # a terminated agreement has no more steps


def test_enterprise_and_reader_take_no_step(world):
    agreement = agreements.create_agreement(
        number="LY-2", parcel=world.parcel_a, enterprise=world.ent_a, signed_on=d("2021-06-01")
    )
    for role in ("enterprise_user", "department_reader"):
        url = reverse("lifecycle:agreement_step", args=[agreement.pk, "stars"])
        assert client_for(world.users[role]).post(url, {"stars": "3"}).status_code == 403
    agreement.refresh_from_db()
    assert agreement.green_building_stars is None


def test_detail_shows_the_years_breaches(world):
    # world: ent_a reports tax 800 万元 a year on parcel A-0001 (2 ha) → 400 万元/公顷
    agreement = agreements.create_agreement(
        number="LY-3", parcel=world.parcel_a, enterprise=world.ent_a, signed_on=d("2021-06-01")
    )
    client = client_for(world.users["enterprise_user"])
    url = reverse("lifecycle:agreement_detail", args=[agreement.pk])
    text = client.get(url, {"year": 2024}).content.decode()
    assert "2024年地均税收 400.00 低于承诺 2,000.00 万元/公顷" in text
    assert "2024年绿色建筑星级无数据" in text
    before = client.get(url, {"year": 2023}).content.decode()  # before attainment (2024)
    assert "2023年无违约" in before


def test_first_quarter_review_lists_enterprises_in_the_park_a_year_or_more(world):
    old = agreements.create_agreement(
        number="LY-OLD", parcel=world.parcel_a, enterprise=world.ent_a, signed_on=d("2021-06-01")
    )
    agreements.create_agreement(
        number="LY-NEW", parcel=world.parcel_a1, enterprise=world.ent_a1, signed_on=d("2024-06-01")
    )
    agreements.create_agreement(
        number="LY-B", parcel=world.parcel_b, enterprise=world.ent_b, signed_on=d("2020-01-01")
    )
    url = reverse("lifecycle:agreement_review")
    text = client_for(world.users["administrator"]).get(url, {"year": 2025}).content.decode()
    assert "2025年3月31日" in text and "LY-OLD" in text and "LY-B" in text
    assert "LY-NEW" not in text  # entered 2024-06-01: less than a year by 2025-03-31
    assert "2024年地均税收 400.00 低于承诺" in text
    street = client_for(world.users["street_officer"]).get(url, {"year": 2025}).content.decode()
    assert "LY-OLD" in street and "LY-B" not in street
    assert agreements.review_due(old, 2025) == dt.date(2025, 3, 31)


def test_list_filters(world):
    agreements.create_agreement(
        number="LY-A", parcel=world.parcel_a, enterprise=world.ent_a, signed_on=d("2021-06-01")
    )
    b = agreements.create_agreement(
        number="LY-B", parcel=world.parcel_b, enterprise=world.ent_b, signed_on=d("2023-06-01")
    )
    agreements.terminate(b, on=d("2024-01-01"))
    client = client_for(world.users["administrator"])
    url = reverse("lifecycle:agreement_list")

    def numbers(query):
        text = client.get(url, query).content.decode()
        return {n for n in ("LY-A", "LY-B") if n in text}

    assert numbers({}) == {"LY-A", "LY-B"}
    assert numbers({"status": "terminated"}) == {"LY-B"}
    assert numbers({"jurisdiction": world.street_a.pk}) == {"LY-A"}
    assert numbers({"due_before": "2025-01-01"}) == {"LY-A"}
    assert numbers({"q": "乙化工"}) == {"LY-B"}
    mine = client_for(world.users["enterprise_user"]).get(url).content.decode()
    assert "LY-A" in mine and "LY-B" not in mine
