from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "assure.evidence"
    label = "evidence"
