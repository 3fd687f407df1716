"""URLs of the evaluation's pages (namespace ``evaluation``): each views module keeps its own
``urlpatterns``; this list joins them."""

from .views import notice, runs, runs_workflow

app_name = "evaluation"
urlpatterns = [
    # before runs: its runs/<pk>/<step>/ would take runs/<pk>/notice/ otherwise
    *runs_workflow.urlpatterns,
    *runs.urlpatterns,
    *notice.urlpatterns,
]
