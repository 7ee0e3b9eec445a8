"""What the test provider puts into its ID tokens, steered by the test user's first name.

- "mfa": `amr` ["pwd", "mfa"] and `acr` "urn:test:mfa" (a sign-in with two factors);
- "verlopen": a token that expired ten minutes ago (correctly signed);
- "vervalst:<username>": the token endpoint's answer is tampered with on the way: the ID token's
  payload says it is <username>'s, with the signature of the original (TamperingMiddleware).
Anyone else gets `amr` ["pwd"] (one factor).
"""

import base64
import json
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse


def id_token_claims(id_token: dict[str, Any], user: Any, **kwargs: Any) -> dict[str, Any]:
    marker = user.first_name
    if marker == "mfa":
        id_token["amr"] = ["pwd", "mfa"]
        id_token["acr"] = "urn:test:mfa"
    else:
        id_token["amr"] = ["pwd"]
    if marker == "verlopen":
        id_token["iat"] -= 1200
        id_token["exp"] = id_token["iat"] + 600
    return id_token


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TamperingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/openid/token") or response.status_code != 200:
            return response
        body = json.loads(response.content)
        header, payload, signature = body["id_token"].split(".")
        claims = json.loads(_b64decode(payload))
        user = get_user_model().objects.filter(pk=claims["sub"]).first()
        if user is not None and user.first_name.startswith("vervalst:"):
            target = get_user_model().objects.get(username=user.first_name.split(":", 1)[1])
            claims["sub"] = str(target.pk)
            body["id_token"] = ".".join([header, _b64encode(json.dumps(claims).encode()), signature])
            response.content = json.dumps(body).encode()
            response["Content-Length"] = str(len(response.content))
        return response
