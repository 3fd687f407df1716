"""The maps in Debian's chromium: a street outline imported in a 辖区 sheet is drawn as its
polygon (not its box), a street without one as the dashed box, both named in the legend; the
portal draws the outline too. Screenshots go to $LANDCYCLE_SCREENSHOTS (default: tmp)."""

import os
import re
from pathlib import Path

import pytest

from landcycle.imports.services import run_import
from tests.imports.workbooks import write_csvs
from tests.web.test_browser import CHROMIUM, log_in

pytestmark = [pytest.mark.browser]

# 甲街道's parcels lie at 116.50–116.522, 39.78–39.782: an outline with a slanted north-east
# edge, so the box's north-east corner lies outside it.
OUTLINE = (
    "POLYGON ((116.49 39.77, 116.53 39.77, 116.53 39.79, 116.51 39.80, 116.49 39.79, 116.49 39.77))"
)

# The colour of the pixel at a longitude/latitude on the vector canvas (RGBA).
PIXEL = """([lat, lon]) => {
  const m = window.landcycleMap;
  const any = window.landcycleStreets.getLayers()[0].getLayers()[0];
  const r = m.getRenderer(any);
  const p = m.latLngToLayerPoint([lat, lon]).subtract(r._bounds.min);
  const s = window.devicePixelRatio || 1;
  return Array.from(r._ctx.getImageData(Math.round(p.x * s), Math.round(p.y * s), 1, 1).data);
}"""


def _shots() -> Path:
    folder = Path(os.environ.get("LANDCYCLE_SCREENSHOTS", "/tmp/landcycle-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _dark(rgba) -> bool:
    """A street line's pixel: #1f3b57 drawn over white, antialiased."""
    r, g, b, a = rgba
    return a > 100 and r < 150 and b > r


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium not installed")
@pytest.mark.django_db(transaction=True)
def test_the_map_draws_the_imported_outline(world, live_server, page, tmp_path):
    rows = [["名称", "所属区县", "类型", "边界"], ["甲街道", "测试区", "街道", OUTLINE]]
    result = run_import([write_csvs(tmp_path / "outline", {"辖区": rows})])
    assert result.ok, [p.line() for p in result.errors]
    base = live_server.url
    log_in(page, base, "evaluator")
    page.goto(f"{base}/map/")
    page.wait_for_selector("#map[data-streets]", timeout=15_000)
    page.wait_for_selector("#map[data-loaded^='parcels:']", timeout=15_000)
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("#map", "data-streets") == "1/3"  # one outline, two boxes
    # Show the whole outline, then look at it.
    page.evaluate("() => window.landcycleMap.fitBounds([[39.765, 116.485], [39.805, 116.535]])")
    page.wait_for_timeout(500)
    page.screenshot(path=str(_shots() / "map-street-outline.png"))
    drawn = page.evaluate(
        "() => window.landcycleStreets.getLayers()[0].getLayers().map("
        "l => [l.feature.properties.name, l.feature.properties.outline, l.getLatLngs()[0].length])"
    )
    assert sorted(drawn) == [
        ["乙街道", "extent", 4],
        ["甲一镇", "extent", 4],
        ["甲街道", "boundary", 5],
    ]
    # The slanted edge is drawn (middle of 116.53 39.79 – 116.51 39.80) …
    assert _dark(page.evaluate(PIXEL, [39.795, 116.52]))
    # … and the box's north-east corner, outside the outline, is not.
    assert not _dark(page.evaluate(PIXEL, [39.7995, 116.5295]))
    legend = page.locator(".legend").inner_text()
    assert "街道边界（已导入）" in legend and "未导入边界，按宗地外包框" in legend


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium not installed")
@pytest.mark.django_db(transaction=True)
def test_the_portal_draws_the_outline(world, live_server, page, tmp_path):
    rows = [["名称", "所属区县", "边界"], ["甲街道", "测试区", OUTLINE]]
    assert run_import([write_csvs(tmp_path / "outline", {"辖区": rows})]).ok
    page.goto(f"{live_server.url}/portal/")
    page.wait_for_selector("#portal-map[data-streets]", timeout=15_000)
    assert page.get_attribute("#portal-map", "data-streets") == "1/1"
    page.screenshot(path=str(_shots() / "portal-street-outline.png"))


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium not installed")
@pytest.mark.django_db(transaction=True)
def test_a_configured_tile_server_is_asked_and_a_dead_one_hides_nothing(
    world, live_server, page, settings
):
    # The tile server answers nothing useful (404s): parcels and streets are still drawn.
    settings.LANDCYCLE_TILE_URL = live_server.url + "/tiles-test/{z}/{x}/{y}.png"
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/tiles-test/" in r.url else None)
    base = live_server.url
    log_in(page, base, "evaluator")
    page.goto(f"{base}/map/")
    page.wait_for_selector("#map[data-loaded^='parcels:']", timeout=15_000)
    page.wait_for_selector("#map[data-streets]", timeout=15_000)
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("#map", "data-loaded") == "parcels:5"
    assert asked and all(re.search(r"/tiles-test/\d+/\d+/\d+\.png$", u) for u in asked)
    assert page.locator("img.leaflet-tile").count() > 0
