"""The run page reads as an officer reads it: Chinese figure names with units, no float noise,
待复核, ranks 第 N 名 / 共 M, the decided class, the policy version and inputs fingerprint."""

from django.urls import reverse

from landcycle.evaluation import review
from landcycle.evaluation.current import classes_of
from tests.evaluation.pages.review_world import decided
from tests.web.conftest import client_for


def test_the_run_page(world, reviews):
    review.confirm(decided(world, reviews.result_final_a, "B"), world.users["administrator"])
    client = client_for(world.users["evaluation_officer"])
    html = client.get(reverse("evaluation:run_detail", args=[world.run_final.pk])).content.decode()
    assert "地均产值（万元/公顷）" in html and "地均税收（万元/公顷）" in html
    assert "61,526" in html and "61525.99" not in html
    assert "待复核 → B（复核）" in html and "待复核" in html
    assert "第 1 名 / 共 1" in html
    assert "本批次依据" in html and world.run_final.inputs_fingerprint[:12] in html
    assert "政策文件指纹" in html and "版本 1" in html
    assert "待复核</dt><dd>2 宗" in html
    export = client.get(reverse("evaluation:run_export", args=[world.run_final.pk, "csv"]))
    text = export.content.decode("utf-8")
    assert "61526" in text and "61525.99" not in text and "待复核 → B（复核）" in text
    assert "第 1 名 / 共 1" in text


def test_map_classes_take_the_decided_class(world, reviews):
    user = world.users["evaluation_officer"]
    decision = decided(world, reviews.result_final_a, "D")
    assert classes_of(user)[reviews.parcel_ra.pk] == "REVIEW"
    review.confirm(decision, world.users["administrator"])
    classes = classes_of(user)
    assert classes[reviews.parcel_ra.pk] == "D" and classes[reviews.parcel_rb.pk] == "REVIEW"
    assert classes[world.parcel_a.pk] == "A"


def test_the_parcel_card_reads_as_an_officer_reads(world, reviews):
    from django.urls import reverse as url

    review.confirm(decided(world, reviews.result_final_a, "A"), world.users["administrator"])
    html = (
        client_for(world.users["street_officer"])
        .get(url("ledger:parcel_detail", args=[reviews.parcel_ra.pk]))
        .content.decode()
    )
    assert 'data-current-class="A"' in html and "待复核 → A（复核）" in html
    assert "第 1 名 / 共 1" in html
    area = reviews.parcel_ra.registered_area_m2 / 10_000
    assert f"{area:g} 公顷" in html or "公顷（" in html
    assert ">REVIEW<" not in html
