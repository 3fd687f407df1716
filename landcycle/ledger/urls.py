"""URLs of the ledger's pages (namespace ``ledger``)."""

from .views import urlpatterns  # noqa: F401

app_name = "ledger"
