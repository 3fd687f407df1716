from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "landcycle.evaluation"
    label = "evaluation"
    verbose_name = "评价 Evaluation"

    def ready(self):
        from .permissions import register_rules

        register_rules()

        from landcycle.web.navigation import MenuItem, register_menu_item

        register_menu_item(MenuItem("Evaluations", "web:run_list", order=50))

        from landcycle.web.navigation import register_app_views

        register_app_views("landcycle.evaluation.views")
