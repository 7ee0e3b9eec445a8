"""The API's OpenAPI schema and its documentation page, for the administrators who manage API keys
(a person signed in, not a key: `@requires` as every page).

The page is Haven's own, rendered on the server from the very schema that `/api/v1/schema/` serves
(drf-spectacular): every operation with its scope, parameters, body fields and answers. It needs no
script and no third-party assets, so it keeps the strict Content-Security-Policy and passes axe like
every page (Swagger UI did not: no `lang`, nested controls, small targets, low contrast).
"""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from haven.access.decorators import requires
from haven.access.http import ActorRequest

METHODS = ("get", "post", "put", "patch", "delete")


class SchemaView(SpectacularAPIView):
    # The person is checked by `@requires` around the view; DRF itself asks nothing more.
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        return dict(schema["components"]["schemas"][ref.rsplit("/", 1)[1]])
    return node


def _type_of(schema: dict[str, Any], node: dict[str, Any]) -> str:
    node = _resolve(schema, node)
    if "enum" in node:
        return " | ".join(str(v) for v in node["enum"])
    if "oneOf" in node:
        return " | ".join(_type_of(schema, part) for part in node["oneOf"])
    kind = str(node.get("type", "object"))
    if kind == "array":
        return f"[{_type_of(schema, node.get('items', {}))}]"
    if node.get("format"):
        kind = f"{kind} ({node['format']})"
    return kind + (" | null" if node.get("nullable") else "")


def _fields(schema: dict[str, Any], node: dict[str, Any]) -> list[dict[str, str]]:
    node = _resolve(schema, node)
    required = set(node.get("required", []))
    rows = []
    for name, prop in node.get("properties", {}).items():
        resolved = _resolve(schema, prop)
        rows.append(
            {
                "name": name,
                "type": _type_of(schema, prop),
                "required": "✓" if name in required else "",
                "description": str(prop.get("description") or resolved.get("description") or ""),
                "limits": ", ".join(
                    f"{key} {resolved[key]}" for key in ("maxLength", "pattern", "minimum") if key in resolved
                ),
            }
        )
    return rows


def operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of the schema as the page shows it."""
    result = []
    for path, methods in schema.get("paths", {}).items():
        for method in METHODS:
            operation = methods.get(method)
            if operation is None:
                continue
            # The body's first media type: JSON for most, multipart/form-data for the pupil sync's file.
            bodies: dict[str, Any] = operation.get("requestBody", {}).get("content", {})
            body_type = next(iter(bodies), "")
            body = bodies[body_type].get("schema") if body_type else None
            answers = []
            for code, answer in operation.get("responses", {}).items():
                content = answer.get("content", {}).get("application/json", {}).get("schema", {})
                answers.append(
                    {
                        "code": code,
                        "description": answer.get("description", ""),
                        "fields": _fields(schema, content) if content else [],
                    }
                )
            result.append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "scope": operation.get("x-haven-scope", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "type": _type_of(schema, p.get("schema", {})),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": _fields(schema, body) if body else [],
                    "body_type": body_type,
                    "answers": answers,
                }
            )
    return result


schema = requires("api.manage_keys")(SchemaView.as_view())


@requires("api.manage_keys")
def docs(request: ActorRequest) -> HttpResponse:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    context = {"info": generated["info"], "operations": operations(generated)}
    return render(request, "api/docs.html", context)
