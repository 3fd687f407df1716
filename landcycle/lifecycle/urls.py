"""URLs of the lifecycle workflows (namespace ``lifecycle``): each workflow's views module keeps
its own ``urlpatterns``; this list joins them."""

app_name = "lifecycle"
urlpatterns: list = []
