from django.apps import AppConfig


class JourneyConfig(AppConfig):
    name = "pine.journey"
    label = "journey"
    verbose_name = "Journey"
