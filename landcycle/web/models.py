"""Roles and scopes of users, and the login attempts that drive the lockout."""

from django.conf import settings
from django.db import models

from landcycle.core.permissions import Role


class Profile(models.Model):
    """A user's role and, for street officers and enterprises, what they are limited to.

    Read fresh on every request (never cached across requests), so a role change applies to the
    user's next request.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        related_name="landcycle_profile",
        on_delete=models.CASCADE,
    )
    role = models.CharField("角色", max_length=30, choices=Role.choices)
    jurisdiction = models.ForeignKey(
        "ledger.Jurisdiction",
        verbose_name="辖区",
        null=True,
        blank=True,
        related_name="officers",
        on_delete=models.PROTECT,
    )
    enterprise = models.ForeignKey(
        "ledger.Enterprise",
        verbose_name="企业",
        null=True,
        blank=True,
        related_name="users",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="street_officer") | models.Q(jurisdiction__isnull=False),
                name="profile_street_officer_has_jurisdiction",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="enterprise_user") | models.Q(enterprise__isnull=False),
                name="profile_enterprise_user_has_enterprise",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class LoginAttempt(models.Model):
    """One login attempt; recent failures per username or address lock the login."""

    time = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    username = models.CharField("用户名", max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField("地址", null=True, blank=True)
    succeeded = models.BooleanField("成功", default=False)

    class Meta:
        verbose_name = "登录尝试"
        verbose_name_plural = "登录尝试"
        indexes = [models.Index(fields=["ip_address", "time"])]
