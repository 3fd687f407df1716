"""URLs of the import pages (namespace ``imports``)."""

from .views import urlpatterns  # noqa: F401

app_name = "imports"
