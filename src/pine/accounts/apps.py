from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pine.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from pine.accounts import signals  # noqa: F401 - connects the sign-in audit receivers
