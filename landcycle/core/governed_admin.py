"""Admin classes for records a service governs: shown for inspection, never written here.

A case with a state machine and deadlines (an exit case, an admission application, an
evaluation run…) changes only through its service, which checks the allowed moves, computes
the deadlines and records who did what. Django admin would otherwise let anyone with admin
access add such a record without its deadlines, or set its status past every rule. These
classes keep the list, search and detail pages and refuse add, change and delete (HTTP 403),
in forms, inlines and bulk actions alike.
"""

from django.contrib import admin


class ReadOnly:
    """No add, change or delete in the admin: the pages are for inspection."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GovernedAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only admin for a model whose writes go through ``service`` (a dotted module name)."""

    service: str = ""  # where the record is created and changed, shown on its pages
    actions = None  # bulk actions (delete_selected) would bypass the service

    def changelist_view(self, request, extra_context=None):
        """The admin list, with a subtitle naming the service where the records are worked."""
        context = dict(extra_context or {})
        if self.service:  # say on the list where the records are worked
            context.setdefault("subtitle", f"只读，经 {self.service} 办理 (read-only)")
        return super().changelist_view(request, context)


class GovernedInline(ReadOnly, admin.TabularInline):
    """Read-only inline rows of a governed record (steps, terms, entries…)."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        # Every shown field, so the listed non-editable ones (recorded_at…) display too.
        if self.fields:
            return list(self.fields)
        return [f.name for f in self.model._meta.concrete_fields if not f.primary_key]
