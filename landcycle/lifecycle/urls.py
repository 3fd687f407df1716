"""URLs of the lifecycle workflows (namespace ``lifecycle``): each workflow's views module keeps
its own ``urlpatterns``; this list joins them."""

from .views import assignment, exits, stockland

app_name = "lifecycle"
urlpatterns: list = [
    *assignment.urlpatterns,  # before exits/stockland: their <step> routes would take 'assign'
    *exits.urlpatterns,
    *stockland.urlpatterns,
]
