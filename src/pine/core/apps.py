from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pine.core"
    label = "core"
    verbose_name = "Core"
