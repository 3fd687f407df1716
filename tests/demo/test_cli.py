import pytest

from landcycle.cli import main

pytestmark = pytest.mark.django_db


def test_demo_without_serving_prints_the_workbook_and_the_classes(tmp_path, capsys):
    status = main(["demo", "--no-serve", "--parcels", "300", "--output", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0
    assert str(tmp_path / "beilun-demo.xlsx") in out
    assert "评价 evaluation 2025" in out and "A:" in out and "B:" in out


def test_demo_can_write_csv_instead(tmp_path, capsys):
    status = main(["demo", "--no-serve", "--csv", "--parcels", "80", "--output", str(tmp_path)])
    assert status == 0
    assert (tmp_path / "beilun-demo" / "宗地.csv").exists()
    assert not (tmp_path / "beilun-demo.xlsx").exists()
    assert "parcels: 80 / 0 / 0" in capsys.readouterr().out


def test_demo_refuses_a_tiny_district(capsys):
    assert main(["demo", "--no-serve", "--parcels", "3"]) == 1
    assert "--parcels" in capsys.readouterr().err


def test_demo_then_serves_the_web_app(tmp_path, monkeypatch, capsys):
    from landcycle.web import serve

    calls = []
    monkeypatch.setattr(serve, "serve", lambda host, port, threads: calls.append((host, port)))
    status = main(["demo", "--parcels", "60", "--output", str(tmp_path), "--port", "8799"])
    assert status == 0
    assert calls == [("127.0.0.1", 8799)]
