from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "assure.national"
    label = "national"
    verbose_name = "National dataset"
