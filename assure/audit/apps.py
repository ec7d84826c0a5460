from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "assure.audit"
    label = "audit"
