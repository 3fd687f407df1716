"""``{% load lifecycle_documents %}{% case_documents case %}``: a case's (or a parcel's)
documents, restricted to the user, and the upload form when they may add one."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("lifecycle/documents/_documents.html", takes_context=True)
def case_documents(context, obj):
    from ..views.documents import documents_context

    return documents_context(context["request"], obj)
