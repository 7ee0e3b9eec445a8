"""The client's address behind the reverse proxy.

Behind a proxy, REMOTE_ADDR is the proxy's address. Two things need the person's own: the audit
log (which records where a read or change came from) and the sign-in lock-out (django-axes locks
an address after repeated failures; with every request coming "from the proxy", five wrong
passwords anywhere would lock everyone out). The proxy appends the address it saw to
X-Forwarded-For; only the entries added by proxies we trust can be believed, so the client is the
right-most entry that is not itself one of them. Anything the client wrote further left is ignored.

Off unless HAVEN_TRUSTED_PROXIES lists the proxies' addresses or networks (docs/operations.md).
"""

from collections.abc import Callable
from contextlib import suppress
from ipaddress import ip_address, ip_network

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse


class TrustedProxyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.networks = [ip_network(entry.strip(), strict=False) for entry in settings.HAVEN_TRUSTED_PROXIES]
        if not self.networks:
            raise MiddlewareNotUsed

    def trusted(self, address: str) -> bool:
        try:
            parsed = ip_address(address)
        except ValueError:
            return False
        return any(parsed in network for network in self.networks)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.trusted(request.META.get("REMOTE_ADDR", "")):
            forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
            for address in reversed(forwarded):
                if self.trusted(address):
                    continue  # another proxy of ours
                # Not an address: nothing further left is believed either.
                with suppress(ValueError):
                    request.META["REMOTE_ADDR"] = str(ip_address(address))
                break
        return self.get_response(request)
