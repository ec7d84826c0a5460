from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "assure.organisations"
    label = "organisations"
