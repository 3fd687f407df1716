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
