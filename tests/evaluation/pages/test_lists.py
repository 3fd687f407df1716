"""The lists and prices page, its search, paging and exports; stored values asserted."""

import csv
import io

import openpyxl
from django.urls import reverse

from landcycle.evaluation import review
from tests.evaluation.pages.review_world import decided
from tests.web.conftest import client_for


def test_the_lists_of_the_current_run(world, reviews):
    client = client_for(world.users["evaluation_officer"])
    page = client.get(reverse("evaluation:lists"))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"批次 #{world.run_final.pk}" in html
    assert "重点服务企业名单" in html and "优质工业用地产权人名单" in html
    assert "关联方认定规则" in html and "持股 ≥ 50% 的股东" in html
    assert "甲制造有限公司" in html and "甲一精密有限公司" in html  # A and B holders
    # The A list; a REVIEW parcel decided A joins it once the decision is in force.
    a_list = reverse("evaluation:lists") + f"?run={world.run_final.pk}&list=quality_holders"
    assert "A-REV" not in client.get(a_list).content.decode()
    review.confirm(decided(world, reviews.result_final_a, "A"), world.users["administrator"])
    html = client.get(a_list).content.decode()
    assert "A-REV" in html and "乙化工有限公司" not in html
    # Search.
    searched = client.get(a_list + "&q=不存在的企业").content.decode()
    assert "没有符合条件的企业" in searched


def test_the_enforcement_list_and_a_draft_preview(world, reviews):
    client = client_for(world.users["administrator"])
    d_list = client.get(reverse("evaluation:lists") + "?list=enforcement").content.decode()
    assert "乙化工有限公司" in d_list and "B-0001" in d_list
    preview = client.get(reverse("evaluation:lists") + f"?run={world.run_draft.pk}")
    assert "预览" in preview.content.decode()
    # The street officer's lists hold its street's holders only.
    street = client_for(world.users["street_officer"]).get(
        reverse("evaluation:lists") + "?list=enforcement"
    )
    assert "乙化工有限公司" not in street.content.decode()


def test_exports(world, reviews):
    client = client_for(world.users["department_reader"])
    xlsx = client.get(reverse("evaluation:lists_export", args=["xlsx"]))
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert "优质工业用地产权人名单" in book.sheetnames
    sheet = book["优质工业用地产权人名单"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("统一社会信用代码", "企业名称", "身份")
    assert any(row[1] == "甲制造有限公司" for row in rows[1:])
    text = client.get(
        reverse("evaluation:lists_export", args=["csv"]) + "?list=enforcement"
    ).content.decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0][1] == "企业名称" and [r[1] for r in table[1:]] == ["乙化工有限公司"]
    assert client.get(reverse("evaluation:lists_export", args=["pdf"])).status_code == 404
