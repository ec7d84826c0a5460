from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assure.assessments"
    label = "assessments"
