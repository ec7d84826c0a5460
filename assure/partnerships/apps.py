from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "assure.partnerships"
    label = "partnerships"
    verbose_name = "HWB–CCG partnership reviews"
