"""URLs of the evaluation's pages (namespace ``evaluation``): each views module keeps its own
``urlpatterns``; this list joins them."""

from .views import runs

app_name = "evaluation"
urlpatterns = [
    *runs.urlpatterns,
]
