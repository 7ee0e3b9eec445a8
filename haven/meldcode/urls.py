app_name = "meldcode"
urlpatterns: list = []
