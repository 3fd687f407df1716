"""URLs of the evaluation's pages (namespace ``evaluation``): each views module keeps its own
``urlpatterns``; this list joins them."""

from .views import notice, runs_workflow

app_name = "evaluation"
urlpatterns = [
    *runs_workflow.urlpatterns,
    *notice.urlpatterns,
]
