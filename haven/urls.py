from django.urls import include, path

urlpatterns = [
    path("", include("haven.followup.urls")),
    path("", include("haven.external_signals.urls")),
    path("", include("haven.pupils.urls")),
    path("", include("haven.documents.urls")),
    path("", include("haven.handover.urls")),
    path("", include("haven.tasks.urls")),
    path("", include("haven.core.urls")),
    path("", include("haven.accounts.staff_urls")),
    path("", include("haven.meldcode.urls")),
    path("", include("haven.audit.urls")),
    path("", include("haven.disclosure.urls")),
    path("beheer/aanmeldblokkades/", include("haven.accounts.lockout_urls")),
    path("beheer/", include("haven.organisations.urls")),
    path("", include("haven.insights.urls")),
]

# A database outage answers 503 "temporarily unavailable" instead of 500 (haven/core/errors.py).
handler400 = "haven.core.errors.bad_request"
handler500 = "haven.core.errors.server_error"
