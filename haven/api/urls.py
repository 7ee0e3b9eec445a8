"""The API, version 1: `/api/v1/` (docs/api.md)."""

from django.urls import path

from haven.api import docs_views, views

app_name = "api"
urlpatterns = [
    path("handle-with-care/notices/", views.PoliceNotices.as_view(), name="police_notices"),
    path("aggregates/", views.Aggregates.as_view(), name="aggregates"),
    path("pupils/sync/", views.PupilSync.as_view(), name="pupil_sync"),
    path("schema/", docs_views.schema, name="schema"),
    path("docs/", docs_views.docs, name="docs"),
]
