from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "assure.cycles"
    label = "cycles"
