from django.urls import path, re_path

from haven.insights import views

app_name = "insights"
urlpatterns = [
    path("inzicht/", views.overview, name="overview"),
    re_path(r"^inzicht/export/(?P<table>[a-z-]+)\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
    path("inzicht/rapport.pdf", views.report, name="report"),
    path("inzicht/bijwerken/", views.refresh, name="refresh"),
    path("inzicht/publieke-cijfers/", views.public_figures_import, name="public_figures"),
]
