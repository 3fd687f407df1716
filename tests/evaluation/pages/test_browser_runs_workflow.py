"""The yearly cycle in a real browser (``-m browser``): start a run, publish it, the enterprise
objects with evidence, the officer upholds, corrected run, finalize; a what-if run finalized
afterwards leaves /portal/ and the dashboard unchanged."""

import datetime as dt
import os
import re
import shutil

import pytest
from django.utils import timezone

from landcycle.evaluation import adoption
from landcycle.evaluation.models import EvaluationRun, Objection
from landcycle.web.models import Role
from tests.evaluation.conftest import YEAR
from tests.web.factories import user_with_role
from tests.web.test_browser import CHROMIUM, browser, log_in, page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"chromium not installed at {CHROMIUM}"),
]
SHOTS = os.environ.get("LANDCYCLE_SCREENSHOTS")  # a folder: pages are saved there to look at


def shot(page, name):  # noqa: F811
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def log_out(page, base):  # noqa: F811
    page.click("header form[action='/logout/'] button")
    page.wait_for_load_state()


def start_run(page, base, policy):  # noqa: F811
    page.goto(f"{base}/runs/start/")
    page.fill("input[name=year]", str(YEAR))
    page.select_option("select[name=policy]", policy)
    page.click("main button[type=submit]")
    page.wait_for_selector("#start-confirm")
    confirm_text = page.inner_text("#start-confirm")
    page.click("#start-confirm button[type=submit]")
    page.wait_for_selector("#new-run", timeout=60_000)
    shot(page, f"job-{policy}")
    page.click("#new-run")
    page.wait_for_selector("#run-workflow")
    return confirm_text, int(re.search(r"/runs/(\d+)/", page.url).group(1))


def confirm_step(page, link_text, **fields):  # noqa: F811
    page.click(f"#run-workflow a:has-text('{link_text}')")
    for name, value in fields.items():
        page.fill(f"input[name={name}]", value)
    page.check("input[name=confirm]")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#run-workflow")


@pytest.mark.django_db(transaction=True)
def test_the_yearly_cycle_in_the_browser(  # noqa: F811
    etown,
    live_server,
    page,  # noqa: F811
    settings,
    tmp_path,
    change_context,
):
    settings.LANDCYCLE_WEB_SYNC_JOBS = True
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    user_with_role("officer", Role.EVALUATION_OFFICER)
    user_with_role("holder_d", Role.ENTERPRISE_USER, enterprise=etown.d.holder)
    adoption.adopt(YEAR, "beijing-etown-2023", "开发区现行标准", zone=etown.street)

    # The officer starts the year's run and puts it on notice.
    log_in(page, base, "officer")
    confirm_text, run_id = start_run(page, base, "beijing-etown-2023")
    assert "公众目前看不到" in confirm_text
    confirm_step(page, "公示")
    assert "公示中" in page.inner_text("#run-workflow")
    shot(page, "run-on-notice")
    # A second run asks first and names the run the public sees.
    page.goto(f"{base}/runs/start/")
    page.fill("input[name=year]", str(YEAR))
    page.select_option("select[name=policy]", "beijing-etown-2023")
    page.click("main button[type=submit]")
    assert f"公众目前看到的是：公示中的批次 #{run_id}" in page.inner_text("#start-confirm")
    log_out(page, base)

    # The public sees the notice on the portal, with the policy's public fields only.
    page.goto(f"{base}/portal/")
    page.click("#portal-notices a")
    assert "如何提出异议" in page.inner_text("main")
    assert "涉诉企业有限公司" in page.inner_text("#notice-results")
    shot(page, "public-notice")

    # The enterprise objects to its parcel's result, with evidence.
    evidence = tmp_path / "撤诉裁定书.pdf"
    evidence.write_bytes(b"%PDF-1.4 ruling")
    log_in(page, base, "holder_d")
    page.goto(f"{base}/notice/mine/")
    assert "ET-D" in page.inner_text("main") and "ET-A" not in page.inner_text("main")
    shot(page, "my-results")
    page.click("a:has-text('提出异议')")
    page.fill("textarea[name=text]", "诉讼已撤诉，见裁定书")
    page.set_input_files("input[name=attachment]", str(evidence))
    page.check("input[name=confirm]")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#objection")
    assert "待答复" in page.inner_text("#objection")
    log_out(page, base)

    # The officer upholds it from the run page; the ledger is corrected; a corrected run.
    log_in(page, base, "officer")
    page.goto(f"{base}/runs/{run_id}/")
    page.click("#run-objections a:has-text('答复')")
    page.check("input[name=upheld][value=yes]")
    page.fill("textarea[name=reply]", "属实，诉讼已撤诉，台账已更正")
    page.check("input[name=confirm]")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#objection")
    assert "异议成立" in page.inner_text("#objection")
    shot(page, "objection-upheld")
    etown.d.violations.update(status="remediated")  # the officer corrects the ledger
    page.click("a:has-text('生成更正评价')")
    page.check("input[name=confirm]")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#new-run", timeout=60_000)
    page.click("#new-run")
    page.wait_for_selector("#run-workflow")
    correction = EvaluationRun.objects.get(corrects_id=run_id)
    assert "诉讼已撤诉" in page.inner_text("#run-settled")
    assert EvaluationRun.objects.get(pk=run_id).status == "superseded"
    assert Objection.objects.get().correction_id == correction.pk
    assert correction.results.get(parcel_code="ET-D").klass != "D"
    # Published as posted ten days ago: the notice is over, the run becomes final unforced.
    posted = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    confirm_step(page, "公示", start=posted)
    confirm_step(page, "生效")
    correction.refresh_from_db()
    assert correction.status == "final" and not correction.forced
    shot(page, "corrected-final")

    # The card shows the objection and its answer.
    page.goto(f"{base}/parcels/{etown.d.pk}/")
    assert "成立：属实" in page.inner_text("#panel-objections")

    portal = _portal(page, base)
    dashboard = _dashboard(page, base)
    assert "ET-A" in portal and correction.policy_name in dashboard

    # A what-if run finalized afterwards changes neither.
    _confirm, what_if = start_run(page, base, "zhejiang-mujun")
    assert "模拟" in page.inner_text("main h1")
    confirm_step(page, "公示")
    page.click("#run-workflow a:has-text('生效')")
    page.check("input[name=force]")
    page.check("input[name=confirm]")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#run-workflow")
    assert EvaluationRun.objects.get(pk=what_if).status == "final"
    assert _portal(page, base) == portal
    assert _dashboard(page, base) == dashboard
    shot(page, "dashboard-after-what-if")


def _portal(page, base):  # noqa: F811
    page.goto(f"{base}/portal/")
    return page.inner_text("main")


def _dashboard(page, base):  # noqa: F811
    page.goto(f"{base}/")
    return page.inner_text("main")
