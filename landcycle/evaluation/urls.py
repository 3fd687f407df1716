"""URLs of the evaluation pages (namespace ``evaluation``): each views module keeps its own
``urlpatterns``; this list joins them."""

from .views import lists, review

app_name = "evaluation"
urlpatterns: list = [
    *review.urlpatterns,
    *lists.urlpatterns,
]
