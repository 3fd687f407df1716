from django.db import models


class CalendarYear(models.Model):
    """A year whose official holidays and make-up workdays are in the table (else: unknown)."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    source = models.CharField(
        "来源", max_length=200, blank=True, help_text="e.g. 国办发明电〔2025〕7号"
    )
    added_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "节假日年度"
        verbose_name_plural = "节假日年度"
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class Holiday(models.Model):
    """One official day off on a weekday-or-weekend, or one make-up workday (调休上班)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假"
        WORKDAY = "workday", "调休上班"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("节日", max_length=50, blank=True)

    class Meta:
        verbose_name = "节假日"
        verbose_name_plural = "节假日"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"
