"""URLs of the combined pages (namespace ``overview``)."""

from .views import urlpatterns  # noqa: F401

app_name = "overview"
