"""Pages of the evaluation app (namespace ``evaluation``), one module per topic; each declares
its ``urlpatterns`` and ``MENU``."""
