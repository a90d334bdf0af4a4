from django.urls import path

from pine.guidance import views

app_name = "guidance"

urlpatterns = [
    path("guidance/", views.index, name="index"),
    path("guidance/<slug:slug>/", views.page, name="page"),
]
