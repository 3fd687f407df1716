"""Small valid workbooks for import tests: sheets as lists of rows, written as xlsx or CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from landcycle.core.identifiers import resident_id_with_check_digit, uscc_with_check_digit


def uscc(n: int) -> str:
    return uscc_with_check_digit(f"9133020671{n:07d}")


def person_id(n: int) -> str:
    return resident_id_with_check_digit(f"33020619800101{n:03d}")


def square(lon: float, lat: float, side: float = 0.001) -> str:
    return (
        f"POLYGON (({lon} {lat}, {lon + side} {lat}, {lon + side} {lat + side}, "
        f"{lon} {lat + side}, {lon} {lat}))"
    )


def district(parcels: int = 3, year: int = 2024) -> dict[str, list[list]]:
    """A consistent little district: enterprises, persons, parcels and everything on them."""
    enterprises = [["统一社会信用代码", "企业名称", "行业代码", "规模", "企业标签", "联系电话"]]
    for i in range(parcels + 1):
        enterprises.append(
            [
                uscc(i),
                f"宁波甲{i}制造有限公司",
                "C3311",
                "规上" if i % 2 else "规下",
                "上市公司，行业龙头" if i == 0 else None,
                f"0574-8800{i:04d}",
            ]
        )
    persons = [["证件号码", "姓名"]] + [[person_id(i), f"张{i}"] for i in range(parcels)]
    rows = [
        [
            "宗地编号",
            "宗地名称",
            "所属街道",
            "土地用途",
            "供地方式",
            "项目类型",
            "用地面积 (亩)",
            "产权单位统一社会信用代码",
            "出让起始日期",
            "出让终止日期",
            "容积率",
            "工业控制线内",
            "几何",
            "备注",
        ]
    ]
    for i in range(parcels):
        # 0.001° squares near Ningbo are ~ 10,710 m²; 16.65 亩 = 11,100 m² is within 5 %
        rows.append(
            [
                f"BL{i:04d}",
                f"地块{i}",
                "新碶街道" if i % 2 == 0 else "大碶街道",
                "工业",
                "招拍挂出让",
                "自用",
                16.65,
                uscc(i),
                "2015-01-01",
                "2065-01-01",
                1.5,
                "是",
                square(121.80 + 0.002 * i, 29.90),
                f"备注{i}" if i % 2 else None,
            ]
        )
    relations = [["主体", "关联方", "关系类型", "持股比例 (%)"]]
    for i in range(parcels):
        relations.append([uscc(i), person_id(i), "法定代表人", None])
        relations.append([uscc(i), uscc(parcels), "股东", 40])
    leases = [
        [
            "宗地编号",
            "承租方统一社会信用代码",
            "租赁面积 (平方米)",
            "起始日期",
            "终止日期",
            "经管委会同意",
        ]
    ]
    leases.append(["BL0000", uscc(parcels), 1200, "2022-01-01", "2026-12-31", "否"])
    indicators = [
        [
            "统一社会信用代码",
            "年度",
            "宗地编号",
            "工业总产值 (万元)",
            "实缴税金 (万元)",
            "从业人员 (人)",
            "综合能耗 (吨标准煤)",
        ]
    ]
    for i in range(parcels):
        for y in (year - 1, year):
            indicators.append([uscc(i), y, f"BL{i:04d}", 30_000 + i, 1_500.5, 120, 800])
    violations = [["宗地编号", "统一社会信用代码", "类型", "发现日期", "状态", "拒不改正"]]
    violations.append(["BL0000", uscc(0), "擅自出租", "2023-05-06", "未整改", "否"])
    commitments = [["宗地编号", "统一社会信用代码", "指标", "承诺值 (万元/公顷)", "考核年度"]]
    commitments.append(["BL0000", uscc(0), "output_per_ha", 30_000, 2027])
    buildings = [["宗地编号", "建筑名称", "建筑面积 (平方米)", "层数", "用途", "竣工日期"]]
    buildings.append(["BL0000", "1号厂房", 8_000, 3, "厂房", "2018-06-30"])
    return {
        "宗地": rows,
        "企业": enterprises,
        "责任人": persons,
        "关系": relations,
        "租赁": leases,
        "年度指标": indicators,
        "违规事项": violations,
        "承诺": commitments,
        "建筑": buildings,
        "辖区": jurisdictions(),
    }


# Street outlines of the little district (not rectangles: a notch each).
XINQI_OUTLINE = (
    "POLYGON ((121.79 29.89, 121.83 29.89, 121.83 29.95, 121.81 29.95, 121.81 29.93, "
    "121.79 29.93, 121.79 29.89))"
)
DAQI_OUTLINE = (
    "POLYGON ((121.80 29.85, 121.84 29.85, 121.84 29.888, 121.82 29.888, 121.80 29.87, "
    "121.80 29.85))"
)


def jurisdictions() -> list[list]:
    """The 辖区 sheet of ``district``: the tree its 宗地 rows make (streets under the root 辖区)
    with the two streets' outlines."""
    return [
        ["名称", "所属区县", "类型", "边界"],
        ["辖区", None, "区县", None],
        ["新碶街道", "辖区", "街道", XINQI_OUTLINE],
        ["大碶街道", "辖区", "街道", DAQI_OUTLINE],
    ]


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def write_csvs(folder: Path, sheets: dict[str, list[list]], bom: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with open(
            folder / f"{name}.csv", "w", encoding="utf-8-sig" if bom else "utf-8", newline=""
        ) as handle:
            csv.writer(handle).writerows(rows)
    return folder
