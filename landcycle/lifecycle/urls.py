"""URLs of the lifecycle workflows (namespace ``lifecycle``): each workflow's views module keeps
its own ``urlpatterns``; this list joins them."""

from .views import available, projects, renewal

app_name = "lifecycle"
urlpatterns: list = [
    *available.urlpatterns,
    *renewal.urlpatterns,
    *projects.urlpatterns,
]
