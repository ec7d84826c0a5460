from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "assure.decisions"
    label = "decisions"
    verbose_name = "Assessor review and decisions"
