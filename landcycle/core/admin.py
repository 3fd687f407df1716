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
    class Meta:
        model = UsccException
        fields = ["code", "reason"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["code"] = uscc_exceptions.check_addable(data["code"], data.get("reason", ""))
        except uscc_exceptions.ExceptionRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return data

    def validate_unique(self):
        pass  # the service says "already listed" in its own words


@admin.register(UsccException)
class UsccExceptionAdmin(admin.ModelAdmin):
    form = UsccExceptionForm
    list_display = ["code", "reason", "added_by", "added_at"]
    search_fields = ["code", "reason", "added_by"]
    actions = None  # a bulk delete would bypass the service

    def get_readonly_fields(self, request, obj=None):
        return ["code", "reason", "added_by", "added_at", "user"] if obj is not None else []

    def save_model(self, request, obj, form, change):
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
