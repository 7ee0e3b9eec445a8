"""What haven.api records: the keys' lives and every call made with one (the key's id, never the key)."""

from django.utils.translation import gettext_lazy as _

from haven.audit.actions import AuditActions


class ApiAction(AuditActions):
    KEY_CREATE = "api_key.create", _("API key created")
    KEY_REVOKE = "api_key.revoke", _("API key revoked")
    CALL = "api.call", _("API call")
    # Reads.
    KEY_LIST = "api_key.list", _("Viewed the API keys")
    # A refused permission is recorded with the permission as its action.
    MANAGE_KEYS = "api.manage_keys", _("Manage API keys")
