"""URLs of the lifecycle workflows (namespace ``lifecycle``): each workflow's views module keeps
its own ``urlpatterns``; this list joins them."""

from .views import exits, stockland

app_name = "lifecycle"
urlpatterns: list = [
    *exits.urlpatterns,
    *stockland.urlpatterns,
]
