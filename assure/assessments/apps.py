from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assure.assessments"
    label = "assessments"

    def ready(self) -> None:
        from assure.cycles.signals import ccg_joined_cycle

        from .receivers import start_from_previous_cycle

        ccg_joined_cycle.connect(
            start_from_previous_cycle, dispatch_uid="assessments.start_from_previous_cycle"
        )
