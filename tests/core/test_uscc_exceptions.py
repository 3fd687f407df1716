"""The administrator-kept list of credit codes that fail the GB 32100 check but were issued."""

import pytest

from landcycle.cli import main
from landcycle.core import uscc_exceptions
from landcycle.core.identifiers import (
    USCC_ALPHABET,
    InvalidIdentifier,
    normalise_uscc,
    uscc_with_check_digit,
)
from landcycle.core.models import ChangeRecord, UsccException
from landcycle.ledger import models as ledger
from tests.imports.workbooks import district, uscc, write_xlsx


def wrong_check(code: str, nth: int = 0) -> str:
    """The same 17 characters with the ``nth`` check character GB 32100 does not give."""
    right = uscc_with_check_digit(code[:17])[-1]
    return code[:17] + [c for c in USCC_ALPHABET if c != right][nth]


ISSUED = wrong_check(uscc(0))  # 91330206710000000 + a wrong check character


def test_identifier_accepts_exactly_the_listed_codes():
    with pytest.raises(InvalidIdentifier):
        normalise_uscc(ISSUED)
    assert normalise_uscc(ISSUED.lower(), exceptions=frozenset({ISSUED})) == ISSUED
    other = wrong_check(uscc(1))
    with pytest.raises(InvalidIdentifier):
        normalise_uscc(other, exceptions=frozenset({ISSUED}))


@pytest.mark.django_db
def test_add_records_who_when_why_and_the_change_log():
    entry = uscc_exceptions.add(f" {ISSUED.lower()} ", "公示系统核实 verified on gsxt", "王科长")
    stored = UsccException.objects.get()
    assert (stored.code, stored.reason, stored.added_by) == (
        ISSUED,
        "公示系统核实 verified on gsxt",
        "王科长",
    )
    assert stored.added_at is not None and entry.pk == stored.pk
    assert uscc_exceptions.exception_codes() == frozenset({ISSUED})
    record = ChangeRecord.objects.get(object_repr=ISSUED)
    assert record.action == "create" and "王科长" in record.source

    uscc_exceptions.remove(ISSUED, "核实有误 entered by mistake", "李四")
    assert not UsccException.objects.exists()
    removal = ChangeRecord.objects.filter(object_repr=ISSUED, action="delete").get()
    assert "李四" in removal.source and "核实有误" in removal.source
    assert removal.before["reason"] == "公示系统核实 verified on gsxt"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, words",
    [
        (uscc(3), "无需例外"),  # passes the check: no exception needed
        ("91330206MA2AB1234", "18位"),  # 17 characters
        ("91330206MA2AB12345I", "18位"),  # 19 characters
        ("91330206MA2AB1234I", "18位"),  # I is not in the GB 32100 alphabet
        ("91330206MA2AB1234O", "18位"),  # nor O
        ("91330206ma2ab1234s", "18位"),  # S neither (lower case is folded, S stays out)
    ],
)
def test_add_refuses_what_is_not_an_exception(code, words):
    with pytest.raises(uscc_exceptions.ExceptionRefused, match=words):
        uscc_exceptions.add(code, "reason", "admin")
    assert not UsccException.objects.exists()


@pytest.mark.django_db
def test_add_needs_a_reason_and_refuses_duplicates_and_unknown_removals():
    with pytest.raises(uscc_exceptions.ExceptionRefused, match="reason"):
        uscc_exceptions.add(ISSUED, "  ", "admin")
    uscc_exceptions.add(ISSUED, "verified", "admin")
    with pytest.raises(uscc_exceptions.ExceptionRefused, match="已在例外名单中"):
        uscc_exceptions.add(ISSUED, "again", "admin")
    with pytest.raises(uscc_exceptions.ExceptionRefused, match="不在例外名单中"):
        uscc_exceptions.remove(wrong_check(uscc(5)), "why", "admin")
    with pytest.raises(uscc_exceptions.ExceptionRefused, match="reason"):
        uscc_exceptions.remove(ISSUED, "", "admin")
    assert UsccException.objects.count() == 1


def _workbook(tmp_path, code):
    sheets = district(2)
    old = sheets["企业"][1][0]
    for rows in sheets.values():  # the enterprise under its issued code on every sheet
        for row in rows[1:]:
            for i, value in enumerate(row):
                if value == old:
                    row[i] = code
    return write_xlsx(tmp_path / "district.xlsx", sheets)


@pytest.mark.django_db(transaction=True)
def test_cli_end_to_end_refused_accepted_refused_again(tmp_path, capsys):
    path = _workbook(tmp_path, ISSUED)
    assert main(["import", str(path)]) != 0
    err = capsys.readouterr().err
    assert f"值{ISSUED}" in err and "uscc-exceptions add" in err  # says what can be done
    assert not ledger.Enterprise.objects.exists()

    assert main(["uscc-exceptions", "list"]) == 0
    assert "例外名单为空" in capsys.readouterr().out
    reason = "国家企业信用信息公示系统核实 2024-05-06"
    assert main(["uscc-exceptions", "add", ISSUED, "--reason", reason, "--by", "王科长"]) == 0
    assert ISSUED in capsys.readouterr().out
    assert main(["uscc-exceptions", "list"]) == 0
    listing = capsys.readouterr().out
    assert ISSUED in listing and "王科长" in listing and reason in listing

    assert main(["import", str(path)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    holder = ledger.Enterprise.objects.get(uscc=ISSUED)
    assert ledger.Parcel.objects.filter(holder=holder).count() == 1
    # Still refused: the same 17 characters with yet another wrong check character.
    other_code = wrong_check(ISSUED, 1)
    assert other_code != ISSUED and other_code != uscc(0)
    (tmp_path / "other").mkdir()
    assert main(["import", str(_workbook(tmp_path / "other", other_code)), "--dry-run"]) != 0
    assert f"值{other_code}" in capsys.readouterr().err

    assert main(["uscc-exceptions", "remove", ISSUED, "--reason", "撤销", "--by", "李四"]) == 0
    capsys.readouterr()
    assert main(["import", str(path), "--dry-run"]) != 0
    assert f"值{ISSUED}" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_cli_refusals_exit_non_zero_with_the_reason(capsys):
    assert main(["uscc-exceptions", "add", uscc(2), "--reason", "x"]) == 1
    assert "无需例外" in capsys.readouterr().err
    assert main(["uscc-exceptions", "remove", ISSUED, "--reason", "x"]) == 1
    assert "不在例外名单中" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # argparse: --reason is required
        main(["uscc-exceptions", "add", ISSUED])
    assert "--reason" in capsys.readouterr().err


@pytest.mark.django_db
def test_admin_adds_and_deletes_through_the_service(client, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", "b@example.com", "pw")
    client.force_login(admin)
    url = "/admin/core/usccexception/"
    response = client.post(url + "add/", {"code": uscc(4), "reason": "x"})
    assert response.status_code == 200 and "无需例外" in response.content.decode()
    response = client.post(url + "add/", {"code": ISSUED, "reason": "公示系统核实"})
    assert response.status_code == 302
    entry = UsccException.objects.get()
    assert (entry.added_by, entry.user_id, entry.reason) == ("boss", admin.pk, "公示系统核实")
    response = client.post(url + f"{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not UsccException.objects.exists()
    assert ChangeRecord.objects.filter(object_repr=ISSUED, action="delete", user=admin).exists()


@pytest.mark.django_db(transaction=True)
def test_a_code_that_could_never_be_listed_gets_no_hint(tmp_path, capsys):
    bad = ISSUED[:17] + "I"  # I is not a GB 32100 character
    assert not uscc_exceptions.listable(bad) and uscc_exceptions.listable(ISSUED)
    assert main(["import", str(_workbook(tmp_path, bad)), "--dry-run"]) != 0
    err = capsys.readouterr().err
    assert f"值{bad}" in err and "uscc-exceptions" not in err
