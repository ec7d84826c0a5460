from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "assure.surveys"
    verbose_name = "360° stakeholder surveys"
