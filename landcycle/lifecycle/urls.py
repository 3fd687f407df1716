"""URLs of the lifecycle workflows (namespace ``lifecycle``): each workflow's views module keeps
its own ``urlpatterns``; this list joins them."""

from .views import documents, inbox

app_name = "lifecycle"
urlpatterns: list = [
    *inbox.urlpatterns,  # l4
    *documents.urlpatterns,  # l4
]
