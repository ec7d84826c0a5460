from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "assure.reports"
    verbose_name = "Reports, dashboard and exports"
