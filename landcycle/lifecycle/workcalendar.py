"""Working days, calendar days and months: moved to ``landcycle.core.workcalendar`` (the
evaluation counts notice periods with it too); names re-exported here for the lifecycle."""

from landcycle.core.workcalendar import (
    CalendarUnknown,
    WorkCalendar,
    add_calendar_period,
    add_months,
    add_years,
    official_calendar,
    register_source,
)

__all__ = [
    "CalendarUnknown",
    "WorkCalendar",
    "add_calendar_period",
    "add_months",
    "add_years",
    "official_calendar",
    "register_source",
]
