from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "landcycle.evaluation"
    label = "evaluation"
    verbose_name = "评价 Evaluation"

    def ready(self):
        from .models import ResultQuerySet
        from .texts import ResultIterable

        ResultQuerySet.result_iterable = ResultIterable

        from .permissions import register_rules

        register_rules()

        from landcycle.web.navigation import register_app_views

        register_app_views("landcycle.evaluation.views")
