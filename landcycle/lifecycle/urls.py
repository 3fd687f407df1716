"""URLs of the lifecycle workflows (namespace ``lifecycle``): each workflow's views module keeps
its own ``urlpatterns``; this list joins them."""

from .views import (
    admission,
    agreements,
    assignment,
    available,
    documents,
    exits,
    inbox,
    projects,
    renewal,
    stockland,
)

app_name = "lifecycle"
urlpatterns: list = [
    *inbox.urlpatterns,
    *documents.urlpatterns,
    *admission.urlpatterns,
    *agreements.urlpatterns,
    *assignment.urlpatterns,  # before exits/stockland: their <step> routes would take 'assign'
    *exits.urlpatterns,
    *stockland.urlpatterns,
    *available.urlpatterns,
    *renewal.urlpatterns,
    *projects.urlpatterns,
]
