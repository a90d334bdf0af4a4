from django.urls import include, path

urlpatterns = [
    path("", include("pine.intake.urls")),
    path("", include("pine.core.urls")),
    path("", include("pine.accounts.urls")),
    path("", include("pine.journey.urls")),
    path("", include("pine.guidance.urls")),
]

handler400 = "pine.core.views.bad_request"
handler403 = "pine.core.views.permission_denied"
handler404 = "pine.core.views.page_not_found"
handler500 = "pine.core.views.server_error"
