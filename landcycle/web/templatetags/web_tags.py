"""Template filters of the frame."""

from django import template
from django.conf import settings
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from landcycle.web import formatting

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}``: ``mapping.get(key)``; None when ``mapping`` is not a mapping."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def number(value, digits=2):
    """A number without float noise: ``{{ v|number }}``, ``{{ v|number:0 }}`` (``formatting``)."""
    return formatting.number(value, int(digits))


@register.filter
def ha_mu(area_m2):
    """Square metres as ``1.23 公顷（18.45 亩）``."""
    return formatting.ha_mu(area_m2)


# ---- the frame's header and head, built in Python ------------------------------------------
# Every page renders them; as template code (seven {% static %}, two {% csrf_token %}, the
# language loop, four translations) they cost ~0.4 ms of each page's CPU.

HEAD_ASSETS = (
    ("icon", "web/favicon.svg"),
    ("css", "vendor/leaflet/leaflet.css"),
    ("css", "web/app.css"),
    ("js", "vendor/leaflet/leaflet.js"),
    ("js", "vendor/echarts/echarts.min.js"),
    ("js", "vendor/htmx/htmx.min.js"),
    ("js", "web/app.js"),
)
_head: dict[str, str] = {}


@register.simple_tag
def head_assets():
    """The <head>'s icon, style sheets and scripts (deferred), with their static URLs: built
    once per process (the static files and their hashed names do not change while it runs)."""
    key = f"{settings.STATIC_URL}|{settings.STORAGES.get('staticfiles')}"
    html = _head.get(key)
    if html is None:
        forms = {
            "icon": '<link rel="icon" href="{}">',
            "css": '<link rel="stylesheet" href="{}">',
            "js": '<script src="{}" defer></script>',
        }
        html = "\n  ".join(forms[kind].format(escape(static(path))) for kind, path in HEAD_ASSETS)
        _head[key] = html
    return mark_safe(html)  # noqa: S308 - static URLs, escaped above


@register.simple_tag(takes_context=True)
def header_tools(context):
    """The header's right side: the language switch (posts to ``set_language``, back to this
    page) and, for a logged-in user, the name, role and the log-out button. Escaped here."""
    request = context.get("request")
    if request is None:
        return ""
    token = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">'
    current = get_language()
    options = "".join(
        f'<option value="{escape(code)}"{" selected" if code == current else ""}>'
        f"{escape(gettext(name))}</option>"
        for code, name in settings.LANGUAGES
    )
    out = [
        f'<form action="{reverse("set_language")}" method="post" class="inline">{token}\n'
        f'      <input name="next" type="hidden" value="{escape(request.get_full_path())}">\n'
        f'      <select name="language" aria-label="language">\n        {options}\n'
        f"      </select>\n"
        f'      <button type="submit">{escape(gettext("Switch"))}</button>\n    </form>'
    ]
    user = context.get("user")
    if user is not None and user.is_authenticated:
        role = context.get("role_label") or ""
        who = escape(user.get_username()) + (f" · {escape(role)}" if role else "")
        out.append(
            f'\n    <span class="who">{who}</span>\n'
            f'    <form action="{reverse("web:logout")}" method="post" class="inline">{token}'
            f'<button type="submit">{escape(gettext("Log out"))}</button></form>'
        )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped above
