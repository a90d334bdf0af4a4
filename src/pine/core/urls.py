from django.urls import path

from pine.core import views

app_name = "core"

urlpatterns = [
    path("home/", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("feedback/", views.feedback, name="feedback"),
    path("healthz", views.healthz, name="healthz"),
    path("team/audit/", views.audit_log, name="audit-log"),
    path("team/audit/export.csv", views.audit_export, name="audit-export"),
]
