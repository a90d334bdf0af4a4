from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "pine.collection"
    label = "collection"
    verbose_name = "Data collection"

    def ready(self) -> None:
        # The stage 5 tasks, registered with the journey once.
        from pine.collection import tasks  # noqa: F401
