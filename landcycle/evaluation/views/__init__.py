"""The evaluation's pages: one module per topic, each with its views, ``urlpatterns`` and
``MENU`` / ``PANELS`` (registered by ``EvaluationConfig.ready``)."""
