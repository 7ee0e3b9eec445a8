from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "haven.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from haven.accounts import checks, providers, signals, totp  # noqa: F401 - registers receivers and checks
        from haven.infrastructure.encryption import register_secret_rotator
        from haven.tasks.registry import register

        totp.install()
        register_secret_rotator("accounts.totpkey", totp.rotate_totp_keys)
        register(providers.role_requests_to_decide)
