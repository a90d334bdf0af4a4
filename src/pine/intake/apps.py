from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "pine.intake"
    label = "intake"
    verbose_name = "Intake"
