from django.urls import path

from pine.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.programme_home, name="home"),
    path("supported-projects/", views.supported_projects, name="supported"),
    path("supported-projects/<int:pk>/", views.supported_project, name="supported-project"),
    path("propose/", views.propose_start, name="propose"),
    path("propose/check/", views.propose_check, name="check"),
    path("propose/send/", views.propose_send, name="send"),
    path("propose/sent/", views.propose_sent, name="sent"),
    path("propose/save/", views.propose_save, name="save"),
    path("propose/resume/<str:token>/", views.propose_resume, name="resume"),
    path("propose/<slug:step>/", views.propose_step, name="step"),
    path("proposals/answer/<str:token>/", views.respond, name="respond"),
    path("team/proposals/", views.proposal_queue, name="queue"),
    path("team/proposals/dashboard/", views.intake_dashboard, name="dashboard"),
    path("team/proposals/export.<slug:kind>", views.proposal_export, name="export"),
    path("team/proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("team/proposals/<int:pk>/triage/", views.proposal_triage, name="triage"),
    path("team/proposals/<int:pk>/question/", views.proposal_question, name="question"),
    path("team/proposals/<int:pk>/decline/", views.proposal_decline, name="decline"),
    path("team/proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("team/proposals/<int:pk>/consultation/", views.consultation_book, name="consultation"),
    path("team/proposals/<int:pk>/consultation/cancel/", views.consultation_cancel, name="consultation-cancel"),
    path("team/proposals/<int:pk>/consultation/outcome/", views.consultation_record, name="consultation-outcome"),
    path("team/proposals/decline-email/", views.decline_template_edit, name="decline-template"),
    path("team/priorities/", views.priority_list, name="priorities"),
    path("team/priorities/new/", views.priority_edit, name="priority-create"),
    path("team/priorities/<int:pk>/", views.priority_edit, name="priority-edit"),
]
