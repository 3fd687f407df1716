"""A deterministic demo district of Beilun (Ningbo) in the interchange format.

``generate_district`` returns one Polars frame per sheet, keyed by the Chinese sheet name, with
the headers and units an officer's workbook has. The same seed gives the same frames (and the
writers the same bytes). Everything is drawn with numpy over whole columns, so 100,000 or a
million parcels take seconds, not minutes.

The mix is chosen so the E-Town policy meets every case: most self-used parcels in class B,
about a fifth in A (output ≥ 3 亿元/公顷 and tax ≥ 2000 万元/公顷), and a few per cent each of
unauthorised leases (to unrelated and to related companies), litigation, abandoned
construction, industrial-to-residential conversion, renewal parks that met or missed their
commitments, idle parcels, firms without emission data or without figures for the latest year.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from landcycle.demo import codes, names
from landcycle.demo.geography import DISTRICT, DISTRICT_CODE, STREETS, layout_parcels
from landcycle.demo.workbook import write_csv_folder, write_workbook

__all__ = ["SHEET_ORDER", "generate_district", "write_csv_folder", "write_workbook"]

DEFAULT_YEARS = (2021, 2022, 2023, 2024, 2025)
SHEET_ORDER = (
    "辖区",
    "宗地",
    "建筑",
    "企业",
    "责任人",
    "关系",
    "租赁",
    "年度指标",
    "违规事项",
    "承诺",
)

ENTERPRISES_PER_PARCEL = 0.75
NEW_HOLDER_SHARE = 0.6  # a parcel's holder is new with this chance, else its neighbour's holder
PARENT_SHARE = 0.03  # group parents (holding companies) among enterprises
SUBSIDIARY_SHARE = 0.10  # holders that belong to a group
CONTROLLER_SHARE = 0.8  # distinct controlling persons per enterprise (the rest control several)
MISMATCH_SHARE = 0.003  # parcels whose registered area is off by more than 5 %
AREA_NOISE = 0.02  # registered area vs geometry otherwise
IDLE_SHARE = 0.12  # of parcels agreed to start in the last six years: not started a year on
STALLED_SHARE = 0.01  # started years ago, never completed (烂尾)
PARK_SHARE = (0.12, 0.12)  # of built parcels ≥ 2 ha: renewal parks, approved parks
LEASING_SHARE = 0.20  # built self-used parcels with a lease
LEASE_MIX = (0.40, 0.30, 0.15, 0.15)  # approved, unapproved unrelated, unapproved related, ended
UNRECORDED_LEASE_SHARE = 0.2  # unapproved leases with no 擅自出租 record (the engine finds them)
NO_LATEST_YEAR_SHARE = 0.015  # firms that did not report the latest year
NO_EMISSIONS_SHARE = 0.10
PER_PARCEL_SHARE = 0.15  # holders that report per parcel
ABOVE_SCALE_REVENUE = 2000.0  # 万元: 规模以上工业企业
VIOLATION_SHARE = {  # of parcels, besides 擅自出租 which follows the unapproved leases
    "擅自转让": 0.004,
    "涉法涉诉": 0.012,
    "烂尾": 0.0,  # every stalled parcel
    "工改住": 0.004,
    "违法建设": 0.015,
    "非工业用途": 0.010,
    "违约": 0.010,
    "违法经营": 0.005,
}
RELATION_KINDS = ("法定代表人", "股东", "实际控制人", "监事", "董事")
INTENSITY_LEVEL = 1.4  # scales the industries' medians: about a fifth of parcels reach class A
INTENSITY_SIGMA = 0.8  # spread of log output per hectare between firms
TAX_SIGMA = 0.3
GROWTH = (0.05, 0.07)  # mean and spread of a firm's yearly output trend
YEAR_NOISE = 0.06

PARCEL_HEADERS = {
    "code": "宗地编号",
    "name": "宗地名称",
    "district": "所属区县",
    "jurisdiction": "所属街道",
    "land_use": "土地用途",
    "supply_method": "供地方式",
    "project_type": "项目类型",
    "area": "用地面积 (公顷)",
    "holder_uscc": "产权单位统一社会信用代码",
    "term_start": "出让起始日期",
    "term_end": "出让终止日期",
    "agreed_start": "约定开工日期",
    "agreed_completion": "约定竣工日期",
    "agreed_attainment": "约定达产日期",
    "actual_start": "实际开工日期",
    "actual_completion": "实际竣工日期",
    "far": "容积率",
    "in_control_line": "工业控制线内",
    "geometry": "几何",
}
INDICATOR_HEADERS = {
    "uscc": "统一社会信用代码",
    "year": "年度",
    "parcel_code": "宗地编号",
    "output": "工业总产值 (万元)",
    "revenue": "营业收入 (万元)",
    "tax": "实缴税金 (万元)",
    "value_added": "工业增加值 (万元)",
    "energy": "综合能耗 (吨标准煤)",
    "emissions": "主要污染物排放 (吨)",
    "rd": "研发经费 (万元)",
    "employees": "从业人员 (人)",
    "investment": "固定资产投资 (万元)",
    "electricity": "用电量 (万千瓦时)",
    "water": "用水量 (吨)",
}
# kWh per 万元 output of below-scale firms: around Huangyan's 单位电耗税收 benchmark (0.2352 元/kWh)
# at their tax rates (moulds, plastics: electricity-heavy trades).
KWH_PER_10K_CNY = (800.0, 3_000.0)
WATER_T_PER_10K_CNY = (2.0, 10.0)


def generate_district(
    parcels: int = 2000, seed: int = 2024, years: tuple[int, ...] = DEFAULT_YEARS
) -> dict[str, pl.DataFrame]:
    """The demo district's sheets, keyed by Chinese sheet name, in ``SHEET_ORDER``."""
    if parcels < 20:
        raise ValueError("a demo district needs at least 20 parcels")
    years = tuple(sorted({int(y) for y in years}))
    if not years:
        raise ValueError("give at least one year")
    if dt.date(years[-1], 12, 31) >= dt.date.today():
        raise ValueError(f"year {years[-1]} is not over yet: the demo reports finished years only")
    district = _District(parcels, years, np.random.default_rng(seed))
    return {name: district.sheets[name] for name in SHEET_ORDER}


def _day(date: dt.date) -> int:
    return (date - dt.date(1970, 1, 1)).days


def _year_start_days(year: np.ndarray) -> np.ndarray:
    return (
        (np.asarray(year) - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    )


def _year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _date_series(days: np.ndarray, missing: np.ndarray | None = None) -> pl.Series:
    """Days since 1970-01-01 as a Date series; ``missing`` marks nulls."""
    series = pl.Series(np.asarray(days, dtype=np.int64)).cast(pl.Int32).cast(pl.Date)
    if missing is None:
        return series
    return pl.select(pl.when(~pl.Series(missing)).then(series)).to_series()


def _yes_no(values: np.ndarray, known: np.ndarray | None = None) -> pl.Series:
    out = pl.Series(np.where(values, "是", "否"))
    if known is None:
        return out
    return pl.select(pl.when(pl.Series(known)).then(out)).to_series()


def _pick(options, index: np.ndarray) -> pl.Series:
    return pl.Series(list(options)).gather(np.asarray(index, dtype=np.int64))


class _District:
    """Draws the district column by column; each step uses the arrays of the ones before."""

    def __init__(self, parcels: int, years: tuple[int, ...], rng: np.random.Generator):
        self.n = parcels
        self.years = years
        self.year = years[-1]
        self.rng = rng
        self.ref = _day(dt.date(self.year, 12, 31))  # the evaluation's reference date
        self.year_start = _day(dt.date(self.year, 1, 1))
        self.sheets: dict[str, pl.DataFrame] = {}
        self.geo = layout_parcels(parcels, rng)
        self._enterprises()
        self._parcels()
        self._relations()
        self._leases()
        self._indicators()
        self._violations()
        self._commitments()
        self._buildings()
        self._parcel_sheet()
        self._enterprise_sheet()
        self._jurisdiction_sheet()

    # -- enterprises: holders in parcel order, then tenant-only firms, then group parents ------
    def _enterprises(self):
        rng, n = self.rng, self.n
        street = self.geo.street
        new_holder = rng.random(n) < NEW_HOLDER_SHARE
        new_holder[0] = True
        new_holder[1:] |= street[1:] != street[:-1]  # holdings do not cross streets
        self.holder = np.cumsum(new_holder) - 1
        holders = int(self.holder[-1]) + 1
        total = max(int(round(n * ENTERPRISES_PER_PARCEL)), holders + max(5, n // 20))
        parents = max(2, int(total * PARENT_SHARE))
        self.e, self.holders = total, holders
        self.parents = np.arange(total - parents, total)
        self.tenant_pool = np.arange(holders, total - parents)
        industries = names.INDUSTRIES
        shares = np.array([i.share for i in industries])
        self.industry = rng.choice(len(industries), size=total, p=shares / shares.sum())
        self.parent_of = np.full(total, -1)
        subsidiary = (rng.random(total) < SUBSIDIARY_SHARE) & (np.arange(total) < holders)
        self.parent_of[subsidiary] = rng.choice(self.parents, size=int(subsidiary.sum()))
        self.uscc = codes.usccs(DISTRICT_CODE, total, rng)

        # Name = place + trade name + business words + legal form; a subsidiary carries its
        # group's trade name, a parent is a 控股集团.
        trade_a = rng.integers(0, len(names.TRADE_FIRST), total)
        trade_b = rng.integers(0, len(names.TRADE_SECOND), total)
        member = self.parent_of >= 0
        trade_a[member] = trade_a[self.parent_of[member]]
        trade_b[member] = trade_b[self.parent_of[member]]
        word_pick = rng.random(total)
        words = np.empty(total, dtype=object)
        for k, industry in enumerate(industries):
            mask = self.industry == k
            options = np.array(industry.words, dtype=object)
            words[mask] = options[(word_pick[mask] * len(options)).astype(np.int64)]
        is_parent = np.zeros(total, dtype=bool)
        is_parent[self.parents] = True
        words[is_parent] = "控股集团"
        form = np.array(names.FORMS, dtype=object)[rng.integers(0, len(names.FORMS), total)]
        form[is_parent] = "有限公司"
        place = _pick(names.PLACE_PREFIXES, rng.integers(0, len(names.PLACE_PREFIXES), total))
        self.enterprise_name = pl.select(
            pl.concat_str(
                place,
                _pick(names.TRADE_FIRST, trade_a),
                _pick(names.TRADE_SECOND, trade_b),
                pl.Series(words, dtype=pl.String),
                pl.Series(form, dtype=pl.String),
            )
        ).to_series()

    # -- parcels ---------------------------------------------------------------------------------
    def _parcels(self):
        rng, n, geo = self.rng, self.n, self.geo
        holder_industry = self.industry[self.holder]
        land_use = np.array([names.INDUSTRIES[k].land_use for k in range(len(names.INDUSTRIES))])[
            holder_industry
        ].astype(object)
        m0_codes = [k for k, i in enumerate(names.INDUSTRIES) if i.code in names.M0_INDUSTRIES]
        m0 = np.isin(holder_industry, m0_codes) & (rng.random(n) < 0.3)
        land_use[m0] = "新型产业(M0)"
        self.land_use = land_use

        # Land supplied mostly 2003–2020, a tail back to 1995 and some in the last years.
        year = np.clip(self.year - np.floor(rng.gamma(2.0, 5.0, n)), 1995, self.year).astype(int)
        term_start = _year_start_days(year) + rng.integers(0, 365, n)
        supply_labels = [label for label, _ in names.SUPPLY_METHODS]
        supply_p = np.array([p for _, p in names.SUPPLY_METHODS])
        supply = np.array(supply_labels, dtype=object)[
            rng.choice(len(supply_labels), n, p=supply_p)
        ]
        flexible = np.isin(supply, list(names.FLEXIBLE_SUPPLY))
        supply[flexible & (year < 2015)] = "招拍挂出让"  # flexible supply is a recent policy
        supply[(supply == "划拨") & (year > 2008)] = "协议出让"
        flexible = np.isin(supply, list(names.FLEXIBLE_SUPPLY))
        allocated = supply == "划拨"
        term_years = np.where(flexible, 20, 50)
        term_end = (
            pl.DataFrame({"start": _date_series(term_start), "years": term_years})
            .select(
                pl.col("start").dt.offset_by(pl.format("{}y", pl.col("years"))).dt.offset_by("-1d")
            )
            .to_series()
            .cast(pl.Int32)
            .to_numpy()
            .astype(np.int64)
        )
        agreed_start = term_start + rng.integers(90, 366, n)
        agreed_completion = agreed_start + rng.integers(540, 1096, n)
        agreed_attainment = agreed_completion + rng.integers(365, 1096, n)

        # Progress: most started near the agreed date; some idle, some stalled.
        draw = rng.random(n)
        due = agreed_start <= self.ref - 365
        # Idle land is recent: land idle for decades would long since have been taken back.
        idle = due & (draw < IDLE_SHARE) & (agreed_start >= self.ref - 6 * 365)
        stalled = (due & (draw >= IDLE_SHARE) & (draw < IDLE_SHARE + STALLED_SHARE)) & (
            agreed_start <= self.ref - 4 * 365
        )
        actual_start = np.maximum(
            agreed_start + np.round(rng.normal(0, 60, n)).astype(np.int64), term_start + 30
        )
        started = ~idle & (actual_start <= self.ref)
        actual_completion = actual_start + rng.integers(420, 1096, n)
        completed = started & ~stalled & (actual_completion <= self.ref)
        self.term_start, self.term_end, self.allocated = term_start, term_end, allocated
        self.agreed = (agreed_start, agreed_completion, agreed_attainment)
        self.actual_start, self.started = actual_start, started
        self.actual_completion, self.completed = actual_completion, completed
        self.idle, self.stalled = idle, stalled & started
        self.supply = supply
        self.supply_year = year

        far_industrial = np.clip(np.exp(rng.normal(np.log(1.4), 0.35, n)), 0.6, 3.0)
        far_storage = rng.uniform(0.6, 1.5, n)
        far_m0 = rng.uniform(2.0, 3.0, n)
        self.far = np.round(
            np.select(
                [land_use == "仓储", land_use == "新型产业(M0)"],
                [far_storage, far_m0],
                far_industrial,
            ),
            2,
        )
        self.in_control_line = rng.random(n) < 0.9

        # Registered area: the geometry's within ±2 %, a handful deliberately off by 7–15 %.
        noise = rng.uniform(-AREA_NOISE, AREA_NOISE, n)
        off = np.zeros(n, dtype=bool)
        off[rng.choice(n, max(3, int(n * MISMATCH_SHARE)), replace=False)] = True
        noise[off] = rng.choice([-1.0, 1.0], int(off.sum())) * rng.uniform(
            0.07, 0.15, int(off.sum())
        )
        self.area_ha = np.round(geo.area_m2 * (1 + noise) / 10_000, 4)
        self.area_mismatch = off

        # Parks: large built parcels turned into renewal parks or approved parks.
        big = completed & (self.area_ha >= 2.0) & (land_use == "工业")
        park_draw = rng.random(n)
        project = np.full(n, "自用", dtype=object)
        project[big & (park_draw < PARK_SHARE[0])] = "城市更新园区"
        project[big & (park_draw >= PARK_SHARE[0]) & (park_draw < sum(PARK_SHARE))] = "立项园区"
        self.project = project

        width = max(5, len(str(int(geo.seq.max()))))
        abbr = _pick([s.abbr for s in STREETS], geo.street)
        short = _pick([s.short for s in STREETS], geo.street)
        self.code = pl.select(
            pl.concat_str(
                pl.lit(DISTRICT_CODE + "-"),
                abbr,
                pl.lit("-"),
                pl.Series(geo.seq).cast(pl.String).str.zfill(width),
            )
        ).to_series()
        self.parcel_name = pl.select(
            pl.concat_str(
                short,
                pl.lit("工业区"),
                pl.Series(geo.block).cast(pl.String),
                pl.lit("号区块"),
                pl.Series(geo.lot).cast(pl.String),
                pl.lit("号地块"),
            )
        ).to_series()

    # -- persons and relations -------------------------------------------------------------------
    def _relations(self):
        rng, e = self.rng, self.e
        controllers = max(2, int(e * CONTROLLER_SHARE))
        others = max(10, int(e * 0.35))
        order = rng.permutation(e)
        controller = np.empty(e, dtype=np.int64)
        controller[order[:controllers]] = np.arange(controllers)
        controller[order[controllers:]] = rng.integers(0, controllers, e - controllers)
        member = self.parent_of >= 0
        controller[member] = controller[self.parent_of[member]]  # the group's controller
        self.controller = controller

        def other(size):
            return controllers + rng.integers(0, others, size)

        subject, party, party_is_person, kind, share = [], [], [], [], []

        def add(subj, who, person, k, pct=None):
            subject.append(subj)
            party.append(who)
            party_is_person.append(np.full(len(subj), person))
            kind.append(np.full(len(subj), RELATION_KINDS.index(k)))
            share.append(np.full(len(subj), np.nan) if pct is None else pct)

        everyone = np.arange(e)
        own_rep = rng.random(e) < 0.85
        add(everyone, np.where(own_rep, controller, other(e)), True, "法定代表人")
        # Shareholders: the controller (or the group parent) holds a majority, often all.
        whole = rng.random(e) < 0.4
        major = np.where(whole, 100.0, np.round(rng.uniform(51, 95, e), 1))
        solo = everyone[~member]
        add(solo, controller[solo], True, "股东", major[solo])
        grouped = everyone[member]
        add(grouped, self.parent_of[grouped], False, "股东", major[grouped])
        minority = everyone[major < 100]
        rest = np.round((100 - major[minority]) * rng.uniform(0.6, 1.0, len(minority)), 1)
        add(minority, other(len(minority)), True, "股东", rest)
        # Actual controller: for group members the group's controller; for some others too.
        named = everyone[member | (rng.random(e) < 0.25)]
        add(named, controller[named], True, "实际控制人")
        supervised = everyone[rng.random(e) < 0.4]
        add(supervised, other(len(supervised)), True, "监事")
        board = everyone[(rng.random(e) < 0.2) | np.isin(everyone, self.parents)]
        add(board, other(len(board)), True, "董事")

        subject = np.concatenate(subject)
        party = np.concatenate(party)
        is_person = np.concatenate(party_is_person)
        used = np.flatnonzero(np.bincount(party[is_person], minlength=controllers + others))
        ids = codes.resident_ids(list(names.ID_REGIONS), controllers + others, rng)
        surname = rng.integers(0, len(names.SURNAMES), controllers + others)
        given_a = rng.integers(0, len(names.GIVEN), controllers + others)
        given_b = rng.integers(0, len(names.GIVEN), controllers + others)
        two = rng.random(controllers + others) < 0.7
        person_name = pl.select(
            pl.concat_str(
                _pick(names.SURNAMES, surname),
                _pick(names.GIVEN, given_a),
                pl.when(pl.Series(two)).then(_pick(names.GIVEN, given_b)).otherwise(pl.lit("")),
            )
        ).to_series()
        self.sheets["责任人"] = pl.DataFrame(
            {"证件号码": ids.gather(used), "姓名": person_name.gather(used)}
        )
        party_code = pl.select(
            pl.when(pl.Series(is_person))
            .then(ids.gather(np.where(is_person, party, 0)))
            .otherwise(self.uscc.gather(np.where(is_person, 0, party)))
        ).to_series()
        share = np.concatenate(share)
        self.sheets["关系"] = pl.DataFrame(
            {
                "主体": self.uscc.gather(subject),
                "关联方": party_code,
                "关系类型": _pick(RELATION_KINDS, np.concatenate(kind)),
                "持股比例": pl.Series(share).fill_nan(None),
            }
        )

        # Siblings: another enterprise under the same controller (same person or same group).
        by_controller = np.argsort(controller, kind="stable")
        sorted_ctrl = controller[by_controller]
        sibling_sorted = np.full(e, -1)
        nxt = np.r_[sorted_ctrl[1:] == sorted_ctrl[:-1], False]
        prv = np.r_[False, sorted_ctrl[1:] == sorted_ctrl[:-1]]
        sibling_sorted[nxt] = by_controller[np.flatnonzero(nxt) + 1]
        sibling_sorted[~nxt & prv] = by_controller[np.flatnonzero(~nxt & prv) - 1]
        self.sibling = np.empty(e, dtype=np.int64)
        self.sibling[by_controller] = sibling_sorted

    # -- leases ----------------------------------------------------------------------------------
    def _leases(self):
        rng, n = self.rng, self.n
        area_m2 = self.area_ha * 10_000
        built = self.completed
        park = np.isin(self.project, ["城市更新园区", "立项园区"]) & built
        own = (self.project == "自用") & built & (rng.random(n) < LEASING_SHARE)

        # Self-used parcels: one lease (some two), of four kinds.
        own_idx = np.flatnonzero(own)
        twice = own_idx[rng.random(len(own_idx)) < 0.1]
        own_idx = np.sort(np.concatenate([own_idx, twice]))
        kind = rng.choice(4, len(own_idx), p=np.array(LEASE_MIX))
        holder = self.holder[own_idx]
        related_ok = (self.sibling[holder] >= 0) & (self.sibling[holder] != holder)
        kind[(kind == 2) & ~related_ok] = 1
        tenant = self.tenant_pool[rng.integers(0, len(self.tenant_pool), len(own_idx))]
        tenant[kind == 2] = self.sibling[holder[kind == 2]]
        fraction = rng.uniform(0.1, 0.4, len(own_idx)) / np.where(np.isin(own_idx, twice), 2, 1)

        # Parks: 2–6 approved tenants sharing half to four fifths of the land.
        park_idx = np.flatnonzero(park)
        count = rng.integers(2, 7, len(park_idx))
        park_rows = np.repeat(park_idx, count)
        park_tenant = self.tenant_pool[rng.integers(0, len(self.tenant_pool), len(park_rows))]
        park_fraction = rng.uniform(0.5, 0.8, len(park_rows)) / np.repeat(count, count)

        parcel = np.concatenate([own_idx, park_rows])
        tenant = np.concatenate([tenant, park_tenant])
        kind = np.concatenate([kind, np.zeros(len(park_rows), dtype=np.int64)])
        fraction = np.concatenate([fraction, park_fraction])
        # One lease per parcel and tenant; never the holder itself.
        keep = tenant != self.holder[parcel]
        key = parcel.astype(np.int64) * (self.e + 1) + tenant
        _, first = np.unique(key, return_index=True)
        unique = np.zeros(len(key), dtype=bool)
        unique[first] = True
        keep &= unique
        parcel, tenant, kind, fraction = parcel[keep], tenant[keep], kind[keep], fraction[keep]
        order = np.lexsort((tenant, parcel))
        parcel, tenant, kind, fraction = parcel[order], tenant[order], kind[order], fraction[order]
        m = len(parcel)

        # Dates: a lease starts after the buildings are done; an ended one ended last year or
        # before (only possible where the parcel was built early enough).
        earliest = self.actual_completion[parcel] + 30
        latest_ended_start = self.year_start - 3 * 365 - 30
        ended = (kind == 3) & (earliest <= latest_ended_start)
        kind[(kind == 3) & ~ended] = 0
        span = np.where(ended, latest_ended_start, self.ref - 30) - earliest
        start = earliest + (rng.random(m) * np.maximum(span, 0)).astype(np.int64)
        term = rng.choice([3, 5, 10], m) * 365
        end = np.where(
            ended,
            np.minimum(start + 3 * 365 - 1, self.year_start - 30),
            np.maximum(start + term - 1, self.year_start + rng.integers(30, 3 * 365, m)),
        )
        open_ended = ~ended & (rng.random(m) < 0.1)
        approved = np.where(kind == 0, True, np.where(kind == 3, rng.random(m) < 0.5, False))
        area = np.round(area_m2[parcel] * fraction, -1)
        self.lease = {
            "parcel": parcel,
            "tenant": tenant,
            "kind": kind,  # 0 approved, 1 unapproved unrelated, 2 unapproved related, 3 ended
            "start": start,
            "end": np.where(open_ended, -1, end),
            "approved": approved,
            "area": area,
            "active": ~ended,
        }
        self.sheets["租赁"] = pl.DataFrame(
            {
                "宗地编号": self.code.gather(parcel),
                "承租方统一社会信用代码": self.uscc.gather(tenant),
                "租赁面积 (平方米)": area,
                "起始日期": _date_series(start),
                "终止日期": _date_series(end, open_ended),
                "经管委会同意": _yes_no(approved),
            }
        )

    # -- yearly figures --------------------------------------------------------------------------
    def _occupancy(self) -> pl.DataFrame:
        """(enterprise, parcel, area_m2) occupied in the latest year, as the engine counts it."""
        lease = self.lease
        active = lease["active"]
        leased_out = np.bincount(
            lease["parcel"][active], weights=lease["area"][active], minlength=self.n
        )
        held = pl.DataFrame(
            {
                "enterprise": self.holder,
                "parcel": np.arange(self.n),
                "area_m2": self.area_ha * 10_000 - leased_out,
            }
        )
        rented = pl.DataFrame(
            {
                "enterprise": lease["tenant"][active],
                "parcel": lease["parcel"][active],
                "area_m2": lease["area"][active],
            }
        )
        return pl.concat([held, rented])

    def _indicators(self):
        rng, e, years = self.rng, self.e, self.years
        industries = names.INDUSTRIES
        median_output = np.array([i.output_per_ha for i in industries])[self.industry]
        median_tax = np.array([i.tax_rate for i in industries])[self.industry]
        per_tce = np.array([i.output_per_tce for i in industries])[self.industry]
        intensity = INTENSITY_LEVEL * median_output * np.exp(rng.normal(0, INTENSITY_SIGMA, e))
        tax_rate = median_tax * np.exp(rng.normal(0, TAX_SIGMA, e))
        growth = rng.normal(*GROWTH, e)
        walk = np.cumsum(rng.normal(0, YEAR_NOISE, (e, len(years))), axis=1)
        walk -= walk[:, [-1]]  # the latest year sits on the firm's level
        offset = np.array(years) - self.year
        level = intensity[:, None] * np.exp(growth[:, None] * offset[None, :] + walk)

        occupancy = self._occupancy()
        occupied = np.bincount(
            occupancy["enterprise"].to_numpy(), weights=occupancy["area_m2"].to_numpy(), minlength=e
        )
        # First year of production: holders when a parcel was completed, tenants at lease start.
        big = np.iinfo(np.int64).max
        first_year = np.full(e, big)
        done = self.completed
        np.minimum.at(first_year, self.holder[done], _year_of(self.actual_completion[done]))
        lease = self.lease
        np.minimum.at(first_year, lease["tenant"], _year_of(lease["start"]))
        last_year = np.full(e, -1)
        np.maximum.at(last_year, self.holder[done], self.year)
        lease_end = np.where(lease["end"] < 0, self.ref, lease["end"])
        np.maximum.at(last_year, lease["tenant"], _year_of(lease_end))

        # Reporting per parcel: some holders that rent nothing, for each built parcel they hold.
        renters = np.zeros(e, dtype=bool)
        renters[lease["tenant"]] = True
        per_parcel = (rng.random(e) < PER_PARCEL_SHARE) & ~renters & (np.arange(e) < self.holders)
        skip_latest = rng.random(e) < NO_LATEST_YEAR_SHARE
        no_emissions = rng.random(e) < NO_EMISSIONS_SHARE

        # Occupancy rows start with one row per parcel for its holder (see _occupancy).
        held_area = occupancy["area_m2"].to_numpy()[: self.n]
        frames = []
        for j, year in enumerate(years):
            active = (first_year <= year) & (last_year >= year) & (occupied > 0)
            if year == self.year:
                active &= ~skip_latest
            whole = np.flatnonzero(active & ~per_parcel)
            frames.append(
                pl.DataFrame(
                    {
                        "enterprise": whole,
                        "year": np.full(len(whole), year),
                        "parcel": np.full(len(whole), -1),
                        "output": level[whole, j] * occupied[whole] / 10_000,
                    }
                )
            )
            parcels = np.flatnonzero(
                done & per_parcel[self.holder] & (_year_of(self.actual_completion) <= year)
            )
            holder = self.holder[parcels]
            keep = active[holder]
            parcels, holder = parcels[keep], holder[keep]
            on_parcel = held_area[parcels]
            frames.append(
                pl.DataFrame(
                    {
                        "enterprise": holder,
                        "year": np.full(len(parcels), year),
                        "parcel": parcels,
                        "output": level[holder, j] * on_parcel / 10_000,
                    }
                )
            )
        rows = pl.concat(frames).sort(["enterprise", "year", "parcel"])
        k = rows.height
        who = rows["enterprise"].to_numpy()
        output = rows["output"].to_numpy()
        revenue = output * rng.uniform(0.9, 1.15, k)
        tax = output * tax_rate[who] * np.exp(rng.normal(0, 0.08, k))
        value_added = output * rng.uniform(0.18, 0.32, k)
        energy = value_added / (per_tce[who] * np.exp(rng.normal(0, 0.3, k)))
        emissions = value_added / (5_000 * np.exp(rng.normal(0, 0.5, k)))
        rd = revenue * np.exp(rng.normal(np.log(0.025), 0.5, k))
        productivity = 120 * np.exp(rng.normal(0, 0.4, e))  # 万元 output per employee
        employees = np.maximum(
            1, np.round(output / (productivity[who] * np.exp(rng.normal(0, 0.05, k))))
        )
        investment = output * np.exp(rng.normal(np.log(0.04), 0.6, k))
        invested = rng.random(k) < 0.6
        self.indicator_rows = rows.with_columns(
            pl.Series("tax", tax), pl.Series("revenue", revenue)
        )

        # Scale and tags from the larger revenue of the last two years (so a firm that skipped
        # the latest report keeps its scale).
        recent = rows["year"].to_numpy() >= years[max(0, len(years) - 2)]
        latest_revenue = np.zeros(e)
        np.maximum.at(latest_revenue, who, np.where(recent, revenue, 0))
        self.above_scale = latest_revenue >= ABOVE_SCALE_REVENUE
        self.latest_revenue = latest_revenue
        parcel_idx = rows["parcel"].to_numpy()
        electricity, water = self._utilities(who, output)
        self.sheets["年度指标"] = pl.DataFrame(
            {
                INDICATOR_HEADERS["uscc"]: self.uscc.gather(who),
                INDICATOR_HEADERS["year"]: rows["year"].cast(pl.Int32),
                INDICATOR_HEADERS["parcel_code"]: pl.select(
                    pl.when(pl.Series(parcel_idx >= 0)).then(
                        self.code.gather(np.maximum(parcel_idx, 0))
                    )
                ).to_series(),
                INDICATOR_HEADERS["output"]: np.round(output, 2),
                INDICATOR_HEADERS["revenue"]: np.round(revenue, 2),
                INDICATOR_HEADERS["tax"]: np.round(tax, 2),
                INDICATOR_HEADERS["value_added"]: np.round(value_added, 2),
                INDICATOR_HEADERS["energy"]: np.round(energy, 2),
                INDICATOR_HEADERS["emissions"]: pl.Series(
                    np.where(no_emissions[who], np.nan, np.round(emissions, 3))
                ).fill_nan(None),
                INDICATOR_HEADERS["rd"]: np.round(rd, 2),
                INDICATOR_HEADERS["employees"]: employees.astype(np.int64),
                INDICATOR_HEADERS["investment"]: pl.Series(
                    np.where(invested, np.round(investment, 2), np.nan)
                ).fill_nan(None),
                INDICATOR_HEADERS["electricity"]: electricity,
                INDICATOR_HEADERS["water"]: water,
            }
        )
        self.occupancy = occupancy

    def _utilities(self, who: np.ndarray, output: np.ndarray):
        """用电量 (万千瓦时) and 用水量 (吨) of below-scale firms' rows, null for the others.

        ``who``: enterprise index per indicator row; ``output``: 万元 per row. The composite
        亩均 policies score below-scale firms on tax per kWh (the power company's figures).
        Drawn from a child generator so the other tables stay as they were and the demo stays
        deterministic for a seed.
        """
        rng = self.rng.spawn(1)[0]
        k = len(who)
        below = ~self.above_scale[who]
        kwh_10k = output * rng.uniform(*KWH_PER_10K_CNY, k) / 10_000
        water = output * rng.uniform(*WATER_T_PER_10K_CNY, k)
        return (
            pl.Series(np.where(below, np.round(kwh_10k, 2), np.nan)).fill_nan(None),
            pl.Series(np.where(below, np.round(water, 1), np.nan)).fill_nan(None),
        )

    # -- violations ------------------------------------------------------------------------------
    def _violations(self):
        rng, n = self.rng, self.n
        lease = self.lease
        parcel, kinds = [], []
        found, refuses, agrees, status = [], [], [], []

        def add(where, label, found_on, refuse=None, agree=None, state=None):
            m = len(where)
            parcel.append(where)
            kinds.append(np.full(m, label, dtype=object))
            found.append(np.minimum(found_on, self.ref))
            refuses.append(np.full(m, np.nan) if refuse is None else refuse)
            agrees.append(np.full(m, np.nan) if agree is None else agree)
            status.append(rng.choice(3, m, p=[0.45, 0.25, 0.30]) if state is None else state)

        # 擅自出租 follows current unapproved leases (most recorded, one per parcel).
        unapproved = lease["active"] & ~lease["approved"]
        recorded = unapproved & (rng.random(len(unapproved)) >= UNRECORDED_LEASE_SHARE)
        where, first = np.unique(lease["parcel"][recorded], return_index=True)
        rows = np.flatnonzero(recorded)[first]
        related = lease["kind"][rows] == 2
        draw = rng.random(len(rows))
        refuse = np.where(draw < 0.45, 1.0, np.where(draw < 0.9, 0.0, np.nan))
        agree = np.where(draw < 0.45, 0.0, np.where(draw < 0.9, 1.0, np.nan))
        refuse[related] = (rng.random(int(related.sum())) < 0.5).astype(float)
        agree[related] = np.nan
        state = np.where(refuse == 1.0, 0, np.where(agree == 1.0, 1, rng.integers(0, 3, len(rows))))
        add(
            where,
            "擅自出租",
            lease["start"][rows] + rng.integers(60, 500, len(rows)),
            refuse,
            agree,
            state,
        )

        # 烂尾: every stalled parcel, or one started parcel when there is none.
        stalled = np.flatnonzero(self.stalled)
        if len(stalled) == 0:
            stalled = np.flatnonzero(self.started & ~self.completed)[:1]
        if len(stalled) == 0:
            stalled = np.array([int(np.argmin(self.actual_start))])
        add(stalled, "烂尾", self.ref - rng.integers(0, 700, len(stalled)))

        # Other kinds on parcels held for at least two months before the reference date.
        held = np.flatnonzero(self.term_start <= self.ref - 60)
        for label, share in VIOLATION_SHARE.items():
            if label == "烂尾":
                continue
            count = min(len(held), max(1, int(round(share * n))))
            where = np.sort(rng.choice(held, count, replace=False))
            add(where, label, self.ref - rng.integers(0, 900, count))

        parcel = np.concatenate(parcel)
        found = np.concatenate(found)
        found = np.minimum(np.maximum(found, self.term_start[parcel] + 30), self.ref)
        state = np.concatenate(status)
        self.violation = {"parcel": parcel, "kind": np.concatenate(kinds)}
        self.sheets["违规事项"] = pl.DataFrame(
            {
                "宗地编号": self.code.gather(parcel),
                "统一社会信用代码": self.uscc.gather(self.holder[parcel]),
                "类型": pl.Series(self.violation["kind"], dtype=pl.String),
                "发现日期": _date_series(found),
                "状态": _pick(names.VIOLATION_STATUSES, state),
                "拒不改正": _yes_no(
                    np.concatenate(refuses) == 1.0, ~np.isnan(np.concatenate(refuses))
                ),
                "同意城市更新": _yes_no(
                    np.concatenate(agrees) == 1.0, ~np.isnan(np.concatenate(agrees))
                ),
            }
        ).sort(["宗地编号", "类型", "发现日期"])

    # -- commitments -----------------------------------------------------------------------------
    def parcel_intensity(self, year: int) -> pl.DataFrame:
        """Output and tax per hectare of each parcel in ``year``, attributed as the engine does."""
        rows = self.indicator_rows.filter(pl.col("year") == year)
        occupancy = self.occupancy.filter(pl.col("area_m2") > 0)
        share = occupancy.with_columns(
            (pl.col("area_m2") / pl.col("area_m2").sum().over("enterprise")).alias("share")
        )
        spread = (
            rows.filter(pl.col("parcel") < 0)
            .drop("parcel")
            .join(share, on="enterprise")
            .select(
                "parcel",
                (pl.col("output") * pl.col("share")).alias("output"),
                (pl.col("tax") * pl.col("share")).alias("tax"),
            )
        )
        direct = rows.filter(pl.col("parcel") >= 0).select("parcel", "output", "tax")
        return (
            pl.concat([spread, direct])
            .group_by("parcel")
            .agg(pl.col("output").sum(), pl.col("tax").sum())
            .sort("parcel")
        )

    def _commitments(self):
        rng = self.rng
        renewal = np.flatnonzero(self.project == "城市更新园区")
        factor = rng.uniform(0.75, 1.35, len(renewal))  # ≤ 1: the commitment was met
        frames = []
        for year in self.years[-2:]:
            actual = self.parcel_intensity(year)
            by_parcel = np.zeros((self.n, 2))
            idx = actual["parcel"].to_numpy()
            by_parcel[idx, 0] = actual["output"].to_numpy()
            by_parcel[idx, 1] = actual["tax"].to_numpy()
            per_ha = by_parcel[renewal] / self.area_ha[renewal, None]
            for col, indicator in enumerate(("output_per_ha", "tax_per_ha")):
                value = np.round(np.maximum(per_ha[:, col], 100.0) * factor, 1)
                frames.append(self._commitment_frame(renewal, indicator, value, year))
        # Flexible supply comes with a supervision agreement: investment per hectare, checked in
        # the year of attainment (past, current or future).
        attainment_year = _year_of(self.agreed[2])
        agreed = np.flatnonzero(np.isin(self.supply, list(names.FLEXIBLE_SUPPLY)))
        value = np.round(rng.uniform(6_000, 11_000, len(agreed)), -1)
        frames.append(
            self._commitment_frame(agreed, "investment_per_ha", value, attainment_year[agreed])
        )
        self.sheets["承诺"] = pl.concat(frames).sort(["宗地编号", "指标", "考核年度"])

    def _commitment_frame(self, parcels, indicator, value, year) -> pl.DataFrame:
        m = len(parcels)
        return pl.DataFrame(
            {
                "宗地编号": self.code.gather(parcels),
                "统一社会信用代码": self.uscc.gather(self.holder[parcels]),
                "指标": pl.Series(np.full(m, indicator, dtype=object), dtype=pl.String),
                "承诺值": pl.Series(value, dtype=pl.Float64),
                "单位": pl.Series(np.full(m, "万元/公顷", dtype=object), dtype=pl.String),
                "考核年度": pl.Series(np.broadcast_to(year, m), dtype=pl.Int32),
            }
        )

    # -- buildings ------------------------------------------------------------------------------
    def _buildings(self):
        rng = self.rng
        built = np.flatnonzero(self.completed)
        count = rng.integers(1, len(names.BUILDINGS) + 1, len(built))
        parcel = np.repeat(built, count)
        first = np.concatenate([[0], np.cumsum(count)[:-1]])
        position = np.arange(len(parcel)) - np.repeat(first, count)
        template_share = np.array([b[3] for b in names.BUILDINGS])
        share_sum = np.array([template_share[:c].sum() for c in range(len(names.BUILDINGS) + 1)])
        floor_total = (
            self.far[parcel] * self.area_ha[parcel] * 10_000 * rng.uniform(0.9, 1.0, len(parcel))
        )
        floor_area = np.round(
            floor_total * template_share[position] / share_sum[np.repeat(count, count)], 1
        )
        low = np.array([b[2][0] for b in names.BUILDINGS])[position]
        high = np.array([b[2][1] for b in names.BUILDINGS])[position]
        floors = low + (rng.random(len(parcel)) * (high - low + 1)).astype(np.int64)
        storage = self.land_use[parcel] == "仓储"
        # On storage land the workshops (厂房) are warehouses (仓库): labels 0–3, then 4–7.
        labels = [b[0] for b in names.BUILDINGS]
        uses = [b[1] for b in names.BUILDINGS]
        labels += [label.replace("厂房", "仓库") for label in labels]
        uses += [use.replace("厂房", "仓库") for use in uses]
        label_index = position + len(names.BUILDINGS) * storage
        # Later buildings may come a few years after the first, never after the reference date.
        later = np.where(position >= 2, rng.integers(0, 4 * 365, len(parcel)), 0)
        completed_on = np.minimum(self.actual_completion[parcel] + later, self.ref - 1)
        self.sheets["建筑"] = pl.DataFrame(
            {
                "宗地编号": self.code.gather(parcel),
                "建筑名称": _pick(labels, label_index),
                "建筑面积 (平方米)": floor_area,
                "层数": floors.astype(np.int64),
                "用途": _pick(uses, label_index),
                "竣工日期": _date_series(completed_on),
            }
        )

    # -- the parcel and enterprise sheets --------------------------------------------------------
    def _parcel_sheet(self):
        geo = self.geo
        lon = pl.DataFrame({f"x{i}": np.round(geo.lon[:, i], 7) for i in range(5)}).cast(pl.String)
        lat = pl.DataFrame({f"y{i}": np.round(geo.lat[:, i], 7) for i in range(5)}).cast(pl.String)
        pts = pl.concat([lon, lat], how="horizontal")

        def point(i):
            return pl.concat_str(pl.col(f"x{i}"), pl.lit(" "), pl.col(f"y{i}"))

        ring = pts.select(
            pl.concat_str(
                pl.lit("POLYGON (("),
                point(0),
                pl.lit(", "),
                point(1),
                pl.lit(", "),
                point(2),
                pl.lit(", "),
                point(3),
                pl.when(pl.Series(geo.pentagon))
                .then(pl.concat_str(pl.lit(", "), point(4)))
                .otherwise(pl.lit("")),
                pl.lit(", "),
                point(0),
                pl.lit("))"),
            )
        ).to_series()
        agreed_start, agreed_completion, agreed_attainment = self.agreed
        headers = PARCEL_HEADERS
        self.sheets["宗地"] = pl.DataFrame(
            {
                headers["code"]: self.code,
                headers["name"]: self.parcel_name,
                headers["district"]: pl.Series(
                    np.full(self.n, DISTRICT, dtype=object), dtype=pl.String
                ),
                headers["jurisdiction"]: _pick([s.name for s in STREETS], geo.street),
                headers["land_use"]: pl.Series(self.land_use, dtype=pl.String),
                headers["supply_method"]: pl.Series(self.supply, dtype=pl.String),
                headers["project_type"]: pl.Series(self.project, dtype=pl.String),
                headers["area"]: self.area_ha,
                headers["holder_uscc"]: self.uscc.gather(self.holder),
                headers["term_start"]: _date_series(self.term_start),
                headers["term_end"]: _date_series(self.term_end, self.allocated),
                headers["agreed_start"]: _date_series(agreed_start),
                headers["agreed_completion"]: _date_series(agreed_completion),
                headers["agreed_attainment"]: _date_series(agreed_attainment),
                headers["actual_start"]: _date_series(self.actual_start, ~self.started),
                headers["actual_completion"]: _date_series(self.actual_completion, ~self.completed),
                headers["far"]: self.far,
                headers["in_control_line"]: _yes_no(self.in_control_line),
                headers["geometry"]: ring,
            }
        )

    def _jurisdiction_sheet(self):
        """辖区: the district and its streets with parcels, each street with its outline (the
        street's blocks and roads, geography._street_outlines): the map draws them."""
        streets = [(s, w) for s, w in zip(STREETS, self.geo.outlines, strict=True) if w]
        self.sheets["辖区"] = pl.DataFrame(
            {
                "名称": [DISTRICT, *(s.name for s, _w in streets)],
                "所属区县": [None, *([DISTRICT] * len(streets))],
                "类型": ["区县", *(["街道"] * len(streets))],
                "边界": [None, *(w for _s, w in streets)],
            },
            schema={"名称": pl.String, "所属区县": pl.String, "类型": pl.String, "边界": pl.String},
        )

    def _enterprise_sheet(self):
        rng, e = self.rng, self.e
        rank = np.empty(e, dtype=np.int64)
        rank[np.argsort(-self.latest_revenue, kind="stable")] = np.arange(e)
        top = rank / e
        utility = np.array([names.INDUSTRIES[k].code[0] == "D" for k in self.industry])
        draw = rng.random((e, 5))
        tags = {
            "世界500强": (top < 0.10) & (draw[:, 0] < 0.10),
            "央企": (utility & (draw[:, 1] < 0.5)) | ((top < 0.05) & (draw[:, 1] < 0.05)),
            "行业龙头": (top < 0.03) & (draw[:, 2] < 0.6),
            "上市公司": (top < 0.05) & (draw[:, 3] < 0.5),
            "拟上市公司": (top >= 0.05) & (top < 0.15) & (draw[:, 4] < 0.08),
        }
        parts = [pl.when(pl.Series(mask)).then(pl.lit(label)) for label, mask in tags.items()]
        tag_text = pl.select(pl.concat_list(parts).list.drop_nulls().list.join(",")).to_series()
        scale = np.where(self.above_scale, "规上", "规下")
        scale[self.latest_revenue == 0] = ""
        self.sheets["企业"] = pl.DataFrame(
            {
                "统一社会信用代码": self.uscc,
                "企业名称": self.enterprise_name,
                "行业代码": _pick([i.code for i in names.INDUSTRIES], self.industry),
                "规模": pl.Series(scale).replace("", None),
                "企业标签": tag_text.replace("", None),
            }
        )
