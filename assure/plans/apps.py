from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "assure.plans"
    label = "plans"
    verbose_name = "Development plans"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 (connects the signal receivers)
