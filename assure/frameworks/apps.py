from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FrameworksConfig(AppConfig):
    name = "assure.frameworks"
    label = "frameworks"

    def ready(self) -> None:
        from .signals import load_builtin_frameworks

        post_migrate.connect(load_builtin_frameworks, sender=self)
