"""Words the demo generator builds names and industries from (Beilun's industrial mix)."""

from __future__ import annotations

from dataclasses import dataclass

# Two characters of a trade name (字号) come one from each list.
TRADE_FIRST = tuple("华东恒永金海宏博瑞鑫泰隆盛德信达嘉晨天北远凯明新富通兴亚立中华安康宝润")
TRADE_SECOND = tuple("港仑顺利丰源辉昌宇力成星泰峰创科联邦达亿腾锐航盈禾益驰翔威诚")
PLACE_PREFIXES = ("宁波", "宁波", "宁波北仑", "浙江", "宁波经济技术开发区")
FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司")

SURNAMES = tuple(
    "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "应俞邬贺虞乐竺包邵"
)
GIVEN = tuple("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国海峰斌浩亮波宁红飞鹏辉林")

# Region codes of ID numbers: Beilun, the rest of Ningbo, and provinces migrants come from.
ID_REGIONS = (
    "330206",
    "330206",
    "330206",
    "330211",
    "330212",
    "330203",
    "330282",
    "330281",
    "330226",
    "342401",
    "412702",
    "362301",
    "513001",
)


@dataclass(frozen=True)
class Industry:
    """An industry of the demo (GB/T 4754-2017 code) with its name words, share of enterprises,
    median output per hectare (万元/公顷), tax / output, value added per tce (万元) and land use.
    """

    code: str  # GB/T 4754-2017
    words: tuple[str, ...]  # the business words of an enterprise name
    share: float  # share of enterprises
    output_per_ha: float  # median industrial output, 万元/公顷
    tax_rate: float  # median tax / output
    output_per_tce: float  # median value added per tonne of standard coal, 万元
    land_use: str  # land use of the parcels such firms hold


INDUSTRIES: tuple[Industry, ...] = (
    Industry("C3670", ("汽车零部件", "汽配", "车业"), 0.16, 17_000, 0.070, 3.0, "工业"),
    Industry("C2614", ("化工", "石化"), 0.06, 24_000, 0.080, 0.9, "工业"),
    Industry("C2651", ("新材料", "高分子材料"), 0.06, 22_000, 0.075, 1.2, "工业"),
    Industry("C3523", ("塑料机械", "注塑机"), 0.08, 16_000, 0.075, 3.5, "工业"),
    Industry("C3484", ("精密机械", "机械制造", "传动科技"), 0.12, 14_000, 0.070, 3.2, "工业"),
    Industry("C3525", ("模具", "模塑"), 0.10, 11_000, 0.070, 3.0, "工业"),
    Industry("C3982", ("电子科技", "电子", "智能科技"), 0.08, 19_000, 0.065, 4.5, "工业"),
    Industry("C3130", ("钢业", "金属制品"), 0.04, 26_000, 0.050, 0.8, "工业"),
    Industry("C3360", ("表面处理", "五金"), 0.05, 9_000, 0.060, 2.0, "工业"),
    Industry("C2929", ("塑业", "塑料制品"), 0.07, 10_000, 0.060, 2.5, "工业"),
    Industry("C3851", ("电器", "家电"), 0.04, 15_000, 0.065, 4.0, "工业"),
    Industry("G5920", ("物流", "仓储", "供应链"), 0.08, 6_000, 0.060, 6.0, "仓储"),
    Industry("G5821", ("国际物流", "货运代理"), 0.02, 7_000, 0.055, 6.0, "仓储"),
    Industry("D4411", ("热电", "发电"), 0.01, 20_000, 0.060, 0.5, "工业"),
    Industry("D4430", ("热力",), 0.005, 12_000, 0.050, 0.6, "工业"),
    Industry("D4511", ("燃气",), 0.005, 15_000, 0.060, 5.0, "工业"),
    Industry("D4610", ("水务", "供水"), 0.005, 8_000, 0.050, 3.0, "工业"),
    Industry("D4620", ("污水处理", "环保水务"), 0.005, 6_000, 0.050, 2.0, "工业"),
)
M0_INDUSTRIES = frozenset({"C3982", "C3484", "C3523"})  # may sit on 新型产业(M0) land

SUPPLY_METHODS = (
    ("招拍挂出让", 0.70),
    ("协议出让", 0.12),
    ("先租后让", 0.06),
    ("弹性年期出让", 0.06),
    ("租让结合", 0.02),
    ("长期租赁", 0.02),
    ("划拨", 0.02),
)
FLEXIBLE_SUPPLY = frozenset({"先租后让", "弹性年期出让", "租让结合", "长期租赁"})

VIOLATION_KINDS = (
    "擅自出租",
    "擅自转让",
    "涉法涉诉",
    "烂尾",
    "工改住",
    "违法建设",
    "非工业用途",
    "违约",
    "违法经营",
)
VIOLATION_STATUSES = ("未整改", "整改中", "已整改")

# Buildings by position on a parcel: name, use, floors (low, high), share of floor area.
BUILDINGS = (
    ("1号厂房", "厂房", (1, 4), 0.55),
    ("综合楼", "办公", (4, 8), 0.15),
    ("2号厂房", "厂房", (1, 4), 0.20),
    ("宿舍楼", "宿舍", (5, 10), 0.10),
)
