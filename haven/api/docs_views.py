"""The API's OpenAPI schema and its documentation page (Swagger UI, served from Haven's own static
files: drf-spectacular-sidecar, so the strict Content-Security-Policy holds), for the
administrators who manage API keys. A person signed in, not a key: `@requires` as every page."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from haven.access.decorators import requires


class _Signed:
    # The person is checked by `@requires` around the view; DRF itself asks nothing more.
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]


class SchemaView(_Signed, SpectacularAPIView):
    pass


class DocsView(_Signed, SpectacularSwaggerSplitView):
    url_name = "api:schema"


schema = requires("api.manage_keys")(SchemaView.as_view())
docs = requires("api.manage_keys")(DocsView.as_view())
