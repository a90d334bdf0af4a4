from django.urls import include, path

from pine.collection import api as collection_api

urlpatterns = [
    path("", include("pine.intake.urls")),
    path("", include("pine.core.urls")),
    path("", include("pine.accounts.urls")),
    path("", include("pine.journey.urls")),
    path("", include("pine.modelling.urls")),
    path("", include("pine.guidance.urls")),
    path("", include("pine.collection.urls")),
    path("api/v1/", collection_api.urls()),
]

handler400 = "pine.core.views.bad_request"
handler403 = "pine.core.views.permission_denied"
handler404 = "pine.core.views.page_not_found"
handler500 = "pine.core.views.server_error"
