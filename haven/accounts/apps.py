from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "haven.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from haven.accounts import checks, signals, totp  # noqa: F401 - registers receivers and checks

        totp.install()
