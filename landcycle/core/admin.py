"""Admin for the USCC exception list: additions and removals go through the service.

The form asks only for the code and the reason; who and when come from the request, and a
deletion asks the service (which records it in the change log). Entries are read-only once
added: a wrong entry is removed and added again, so the history stays whole.
"""

from django import forms
from django.contrib import admin, messages

from . import uscc_exceptions
from .models import UsccException


class UsccExceptionForm(forms.ModelForm):
    """The admin's add form for a GB 32100 exception (校验码例外): code and reason, checked by
    ``uscc_exceptions.check_addable``.
    """

    class Meta:
        model = UsccException
        fields = ["code", "reason"]

    def clean(self):
        """The service's check of ``code`` and ``reason``; its ExceptionRefused becomes a form error."""
        data = super().clean()
        if self.errors:
            return data
        try:
            data["code"] = uscc_exceptions.check_addable(data["code"], data.get("reason", ""))
        except uscc_exceptions.ExceptionRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return data

    def validate_unique(self):
        """No model check: ``check_addable`` already refuses a listed code in its own words."""


@admin.register(UsccException)
class UsccExceptionAdmin(admin.ModelAdmin):
    """The USCC exception list (校验码例外名单) in the admin: added and removed only through
    ``landcycle.core.uscc_exceptions`` (so each change is logged with a reason); read-only once added.
    """

    form = UsccExceptionForm
    list_display = ["code", "reason", "added_by", "added_at"]
    search_fields = ["code", "reason", "added_by"]
    actions = None  # a bulk delete would bypass the service

    def get_readonly_fields(self, request, obj=None):
        return ["code", "reason", "added_by", "added_at", "user"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        """Add the code through ``uscc_exceptions.add`` (the admin user as ``added_by``); edits are ignored."""
        if change:
            return  # read-only once added
        saved = uscc_exceptions.add(
            form.cleaned_data["code"],
            form.cleaned_data["reason"],
            added_by=request.user.get_username(),
            user_id=request.user.pk,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        """Remove the code through ``uscc_exceptions.remove``; a refusal is shown as an error message."""
        name = request.user.get_username()
        try:
            uscc_exceptions.remove(
                obj.code,
                reason=f"管理后台删除 removed in the admin by {name}",
                removed_by=name,
                user_id=request.user.pk,
            )
        except uscc_exceptions.ExceptionRefused as exc:
            messages.error(request, str(exc))
