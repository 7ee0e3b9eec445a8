from django.urls import path

from haven.insights import views

app_name = "insights"
urlpatterns = [path("inzicht/", views.overview, name="overview")]
