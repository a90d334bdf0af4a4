from django.apps import AppConfig


class ModellingConfig(AppConfig):
    name = "pine.modelling"
    label = "modelling"
    verbose_name = "Theory of change and evaluation plan"

    def ready(self) -> None:
        # The stage tasks and the checkpoint hooks of stages 2 and 3, registered with the journey once.
        from pine.modelling import tasks  # noqa: F401
