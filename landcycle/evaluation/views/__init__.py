"""Pages of the evaluation: one module per topic, each with its ``urlpatterns`` and ``MENU``."""
