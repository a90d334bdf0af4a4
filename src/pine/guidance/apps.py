from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "pine.guidance"
    label = "guidance"
    verbose_name = "Guidance"
