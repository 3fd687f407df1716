"""Who is in charge of a case (承办人) of any workflow built on ``AssignedCase``: the case then
goes to that officer's inbox."""

from __future__ import annotations

from landcycle.core.permissions import Action, restrict

from . import LifecycleError


def assign(case, officer) -> None:
    """Put ``officer`` (a user; None = nobody) in charge of ``case``. Raises LifecycleError
    when the officer may not work the case (Action.HANDLE on its row: role and streets)."""
    if officer is not None:
        rows = type(case)._default_manager.filter(pk=case.pk)
        if not restrict(rows, officer, Action.HANDLE).exists():
            name = officer.get_full_name() or officer.get_username()
            raise LifecycleError(f"{name} 无权办理本案件（无办理权限，或案件不在其辖区内）")
    case.assigned_to = officer
    case.save(update_fields=["assigned_to"])
