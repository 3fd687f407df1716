"""A text longer than its model field is refused with its row, on every database."""

import pytest

from landcycle.imports.services import run_import
from landcycle.ledger import models as ledger

from .workbooks import district, write_xlsx

pytestmark = pytest.mark.django_db


# (sheet, header, model field whose max_length applies)
CASES = [
    ("宗地", "宗地名称", ledger.Parcel._meta.get_field("name")),
    ("宗地", "项目位置", ledger.Parcel._meta.get_field("location")),
    ("宗地", "土地级别", ledger.Parcel._meta.get_field("land_grade")),
    ("宗地", "电子监管号", ledger.Parcel._meta.get_field("supervision_number")),
    ("宗地", "土地使用权人", ledger.Parcel._meta.get_field("holder_name")),
    ("宗地", "所属街道", ledger.Jurisdiction._meta.get_field("name")),  # through the lookup
    ("企业", "企业名称", ledger.Enterprise._meta.get_field("name")),
    ("建筑", "建筑名称", ledger.Building._meta.get_field("name")),
    ("承诺", "指标", ledger.Commitment._meta.get_field("indicator")),
]


@pytest.mark.parametrize("sheet,header,field", CASES, ids=[c[1] for c in CASES])
def test_text_longer_than_its_field_is_refused(tmp_path, sheet, header, field):
    sheets = district(2)
    rows = sheets[sheet]
    if header not in rows[0]:
        rows[0].append(header)
        for row in rows[1:]:
            row.append("短")
    column = rows[0].index(header)
    fits = "字" * field.max_length
    rows[1][column] = fits + "多"
    if len(rows) > 2:
        rows[2][column] = fits[:-1] + "x" if header != "所属街道" else rows[2][column]
    result = run_import([write_xlsx(tmp_path / "long.xlsx", sheets)])
    problems = [(p.sheet, p.row, p.column) for p in result.errors]
    assert problems == [(sheet, 2, header)]
    reason = result.errors[0].reason
    assert f"最多 {field.max_length} 个字符，此处 {field.max_length + 1} 个" in reason
    assert not ledger.Parcel.objects.exists() and not ledger.Enterprise.objects.exists()
