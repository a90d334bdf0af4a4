from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "pine.programme"
    label = "programme"
    verbose_name = "Programme"
