"""Seed the holiday table with the years chinese-calendar knows (later years: `landcycle calendar add-year`)."""

from django.db import migrations


def seed(apps, schema_editor):
    import chinese_calendar

    from landcycle.lifecycle.services.calendar import package_table, seed_rows

    years, rows = package_table()
    seed_rows(
        apps.get_model("lifecycle", "CalendarYear"),
        apps.get_model("lifecycle", "Holiday"),
        years,
        rows,
        f"chinese-calendar {chinese_calendar.__version__}",
    )


def unseed(apps, schema_editor):
    apps.get_model("lifecycle", "Holiday").objects.all().delete()
    apps.get_model("lifecycle", "CalendarYear").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
