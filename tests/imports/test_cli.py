"""The real ``landcycle`` entry point: import, dry run, export, and errors."""

import pytest

from landcycle.cli import main
from landcycle.ledger import models as ledger

from .workbooks import district, write_csvs, write_xlsx

pytestmark = pytest.mark.django_db(transaction=True)


def test_import_dry_run_export_and_reimport(tmp_path, capsys):
    path = write_xlsx(tmp_path / "district.xlsx", district(3))
    assert main(["import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "试运行" in out and "宗地: 新增 3" in out and "parcels: created 3" in out
    assert ledger.Parcel.objects.count() == 0

    assert main(["import", str(path)]) == 0
    assert "parcels: created 3" in capsys.readouterr().out
    assert ledger.Parcel.objects.count() == 3

    out_path = tmp_path / "out.xlsx"
    assert main(["export", str(out_path), "--year", "2024"]) == 0
    assert "宗地: 3" in capsys.readouterr().out and out_path.exists()
    assert main(["export", str(tmp_path / "csv")]) == 0
    assert (tmp_path / "csv" / "宗地.csv").exists()
    capsys.readouterr()

    assert main(["import", str(out_path)]) == 0
    assert "parcels: created 0, updated 0, unchanged 3" in capsys.readouterr().out


def test_import_errors_are_printed_one_per_line_and_exit_non_zero(tmp_path, capsys):
    sheets = district(2)
    sheets["宗地"][1][6] = -5
    sheets["企业"][2][0] = "91330206710000001X"
    status = main(["import", str(write_xlsx(tmp_path / "bad.xlsx", sheets))])
    assert status != 0
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("宗地 行2 列用地面积 (亩) 值-5: ") for line in err)
    assert any(
        line.startswith("企业 行3 列统一社会信用代码 值91330206710000001X: ") for line in err
    )
    # The enterprise's parcel, relations and figures now name an unknown enterprise: 7 in all.
    assert err[-1].startswith("landcycle import: 7 个错误")
    assert len(err) == 8
    assert ledger.Parcel.objects.count() == 0


def test_unknown_crs_is_a_one_line_error(tmp_path, capsys):
    assert main(["import", str(tmp_path), "--crs", "999999"]) == 1
    assert "unknown CRS" in capsys.readouterr().err


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_folder_and_geopackage_with_crs(tmp_path, capsys):
    import numpy as np
    import pyogrio
    import shapely

    sheets = district(2)
    index = sheets["宗地"][0].index("几何")
    for row in sheets["宗地"]:
        del row[index]
    for row in sheets["辖区"]:  # --crs applies to every input: no lon/lat outlines here
        del row[3]
    folder = write_csvs(tmp_path / "folder", sheets)
    boxes = np.array(
        [shapely.box(700_000 + 200 * i, 3_310_000, 700_105 + 200 * i, 3_310_105) for i in range(2)],
        dtype=object,
    )
    gpkg = tmp_path / "parcels.gpkg"
    pyogrio.raw.write(
        gpkg,
        geometry=shapely.to_wkb(boxes),
        field_data=[np.array(["BL0000", "BL0001"], dtype=object)],
        fields=["宗地编号"],
        geometry_type="Polygon",
        driver="GPKG",
    )  # no CRS in the file: --crs says what it is
    assert main(["import", str(folder), str(gpkg), "--crs", "4549"]) == 0
    out = capsys.readouterr().out
    assert "parcels: created 2" in out and "geometry: created 0, updated 2" in out
    parcel = ledger.Parcel.objects.get(code="BL0000")
    assert 121 < parcel.min_lon < 123 and parcel.computed_area_m2 > 10_000
