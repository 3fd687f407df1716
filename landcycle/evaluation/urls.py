"""URLs of the evaluation's pages (namespace ``evaluation``): each views module keeps its own
``urlpatterns``; this list joins them."""

from .views import lists, review, runs

app_name = "evaluation"
# review before runs: runs/<pk>/review/ would otherwise be runs/<pk>/<step>/ (POST only).
urlpatterns = [
    *review.urlpatterns,
    *lists.urlpatterns,
    *runs.urlpatterns,
]
