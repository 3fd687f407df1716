"""The menu is built once per set of actions and rebuilt when an entry is registered."""

from landcycle.core.permissions import Action, Role, Scope
from landcycle.web import navigation
from landcycle.web.navigation import MenuItem, menu_for, register_menu_item


def _labels(menu):
    return [e["label"] for e in menu] + [i["label"] for e in menu for i in e["items"]]


def test_menu_is_kept_per_role_and_rebuilt_on_registration(monkeypatch):
    monkeypatch.setattr(navigation, "MENU", dict(navigation.MENU))
    monkeypatch.setattr(navigation, "_built", {})
    officer = Scope(role=Role.EVALUATION_OFFICER)
    reader = Scope(role=Role.DEPARTMENT_READER)
    first = menu_for(officer)
    assert menu_for(officer) is first  # kept
    names = [e["url_name"] for e in first] + [i["url_name"] for e in first for i in e["items"]]
    assert "imports:import" in names  # the officer may IMPORT, the reader may not
    assert not any(e["url_name"] == "imports:import" for e in menu_for(reader))
    register_menu_item(MenuItem("测试页", "overview:dashboard", action=Action.IMPORT, order=1))
    rebuilt = menu_for(officer)
    assert rebuilt is not first and rebuilt[0]["label"] == "测试页"
    assert "测试页" not in _labels(menu_for(reader))  # readers may not IMPORT


def test_menu_html_marks_the_current_page_escapes_and_translates(monkeypatch):
    from django.utils import translation

    monkeypatch.setattr(navigation, "MENU", dict(navigation.MENU))
    monkeypatch.setattr(navigation, "_built", {})
    monkeypatch.setattr(navigation, "_html", {})
    officer = Scope(role=Role.EVALUATION_OFFICER)
    register_menu_item(MenuItem("<b>测试</b>", "overview:dashboard", order=1))
    with translation.override("zh-hans"):
        html = navigation.menu_html(officer, "ledger:parcel_list")
        assert html.count('aria-current="page"') == 1
        assert '<a href="/parcels/" aria-current="page">' in html
        assert "&lt;b&gt;测试&lt;/b&gt;" in html and "<b>测试" not in html
        assert '<details class="menu-group"><summary>全生命周期</summary>' in html
        assert 'aria-current="page"' not in navigation.menu_html(officer, "")
    with translation.override("en"):
        assert ">Parcels</a>" in navigation.menu_html(officer, "")  # the catalogue's English
    # a new entry rebuilds the HTML too
    register_menu_item(MenuItem("新页", "overview:dashboard", order=1))
    with translation.override("zh-hans"):
        assert ">新页</a>" in navigation.menu_html(officer, "")
