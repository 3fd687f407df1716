import io
import json
import zipfile
from pathlib import Path

import pytest

from landcycle.cli import main
from landcycle.lifecycle.models import ExitCase, StockLandCase, TaskTable
from landcycle.lifecycle.notices import NoticeError, exit_notice_docx, render_text
from landcycle.lifecycle.services.exits import open_case, transition
from tests.factories import ParcelFactory

from .conftest import d

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def case(calendar):
    parcel = ParcelFactory(code="MTG-2021-07")
    case = open_case(
        enterprise=parcel.holder,
        parcel=parcel,
        trigger="unauthorised_disposal",
        facts="将3号厂房出租给无关联企业",
        verified_on=d("2025-03-03"),
        actor_name="王科长",
        calendar=calendar,
    )
    transition(case, "interview", on=d("2025-03-20"), actor_name="王科长", calendar=calendar)
    transition(
        case,
        "rectification_notice",
        on=d("2025-03-25"),
        actor_name="王科长",
        document_number="门园整〔2025〕7号",
        calendar=calendar,
    )
    return case


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def test_rectification_notice_docx_has_the_facts_and_the_deadline(case):
    text = render_text(case, "rectification")
    assert "限期整改通知书" in text and "门园整〔2025〕7号" in text
    assert "2025年9月25日" in text and "MTG" not in text.split("限期整改通知书")[0]
    xml = _docx_text(exit_notice_docx(case, "rectification"))
    assert "限期整改通知书" in xml and "将3号厂房出租给无关联企业" in xml
    assert 'w:eastAsia="仿宋"' in xml and 'w:eastAsia="黑体"' in xml


def test_exit_notice_needs_the_exit_step(case):
    with pytest.raises(NoticeError):
        exit_notice_docx(case, "exit")


def test_cli_calendar_and_unknown_year(capsys):
    assert main(["calendar", "deadline", "2025-09-30", "3"]) == 0
    assert capsys.readouterr().out.strip() == "2025-10-11"
    assert main(["calendar", "deadline", "2026-12-30", "3"]) == 1
    assert "calendar unknown for 2027" in capsys.readouterr().err


def test_cli_add_year_reports_bad_rows(tmp_path, capsys):
    bad = tmp_path / "2027.csv"
    bad.write_text("日期,类型,名称\n2027-02-30,放假,春节\n", encoding="utf-8")
    assert main(["calendar", "add-year", "2027", str(bad)]) == 1
    assert "第2行" in capsys.readouterr().err
    good = tmp_path / "2027ok.csv"
    good.write_text("2027-01-01,放假,元旦\n", encoding="utf-8")
    assert main(["calendar", "add-year", "2027", str(good), "--source", "test"]) == 0
    assert main(["calendar", "deadline", "2026-12-31", "1"]) == 0
    assert capsys.readouterr().out.strip().endswith("2027-01-04")


def test_cli_stockland_renewal_due_notice(tmp_path, capsys, case):
    ParcelFactory(agreed_start=d("2023-01-01"), extra={"土地价款": 1000})
    assert main(["stockland", "identify", "--date", "2025-06-30"]) == 0
    out = capsys.readouterr().out
    assert "idle\t1" in out and "idle-land fee due 1, may be taken back 1" in out
    assert StockLandCase.objects.count() == 1
    assert main(["stockland", "rate", "--date", "2025-06-30"]) == 0
    assert "0/1" in capsys.readouterr().out

    csv = Path("landcycle/lifecycle/data/beilun-2024-2026-street-tasks.csv").resolve()
    assert (
        main(
            ["renewal", "import-targets", str(csv), "--district", "北仑区", "--years", "2024-2026"]
        )
        == 0
    )
    assert "12 streets, 96 targets" in capsys.readouterr().out
    assert TaskTable.objects.count() == 1
    assert main(["renewal", "progress", "--date", "2025-12-31"]) == 0
    assert "新碶" in capsys.readouterr().out

    assert main(["due", "--date", "2025-06-30", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["kind"] for r in rows] == ["idle_take_back"]  # the disposal is due in 6 months

    assert main(["exit", "candidates", "--year", "2025"]) == 0
    assert "0 candidates" in capsys.readouterr().out

    out_file = tmp_path / "notice.docx"
    assert (
        main(["exit", "notice", str(case.pk), "--kind", "rectification", "--output", str(out_file)])
        == 0
    )
    assert "限期整改通知书" in _docx_text(out_file.read_bytes())
    assert main(["exit", "notice", "999999", "--kind", "exit", "--output", str(out_file)]) == 1
    assert ExitCase.objects.count() == 1
