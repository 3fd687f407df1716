"""URLs of the lifecycle workflows (namespace ``lifecycle``): each workflow's views module keeps
its own ``urlpatterns``; this list joins them."""

from .views import admission, agreements, available, projects, renewal

app_name = "lifecycle"
urlpatterns: list = [
    *admission.urlpatterns,
    *agreements.urlpatterns,
    *available.urlpatterns,
    *renewal.urlpatterns,
    *projects.urlpatterns,
]
