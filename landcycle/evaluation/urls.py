"""URLs of the evaluation's pages (namespace ``evaluation``): each views module keeps its own
``urlpatterns``; this list joins them."""

from .views import lists, notice, review, runs, runs_workflow

app_name = "evaluation"
# Before runs: its runs/<pk>/<step>/ would otherwise take runs/<pk>/review/ and runs/<pk>/notice/.
urlpatterns = [
    *review.urlpatterns,
    *lists.urlpatterns,
    *runs_workflow.urlpatterns,
    *runs.urlpatterns,
    *notice.urlpatterns,
]
