"""URLs of the lifecycle workflows (namespace ``lifecycle``): each workflow's views module keeps
its own ``urlpatterns``; this list joins them."""

from .views import admission, agreements

app_name = "lifecycle"
urlpatterns: list = [
    *admission.urlpatterns,
    *agreements.urlpatterns,
]
