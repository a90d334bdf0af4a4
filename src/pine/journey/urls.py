from django.urls import path

from pine.journey import views

app_name = "journey"

urlpatterns = [
    path("projects/", views.project_list, name="project-list"),
    path("organisations/<int:organisation_pk>/projects/new/", views.project_create, name="project-create"),
    path("projects/<int:pk>/", views.project_workspace, name="project"),
    path("projects/<int:pk>/settings/", views.project_settings, name="settings"),
    path("projects/<int:pk>/advisers/", views.project_advisers, name="advisers"),
    path("projects/<int:pk>/public-summary/approve/", views.public_summary_approve, name="approve-summary"),
    path("projects/<int:pk>/team/", views.project_team, name="team"),
    path("projects/<int:pk>/team/<int:member>/remove/", views.project_team_remove, name="team-remove"),
    path("projects/<int:pk>/timeline/", views.project_timeline, name="timeline"),
    path("projects/<int:pk>/stages/<int:number>/", views.stage_detail, name="stage"),
    path("projects/<int:pk>/stages/<int:number>/guidance-read/", views.stage_guidance_read, name="guidance-read"),
    path("projects/<int:pk>/stages/<int:number>/checkpoint/", views.checkpoint_request, name="checkpoint-request"),
    path("projects/<int:pk>/checkpoints/<int:checkpoint>/", views.checkpoint_detail, name="checkpoint"),
    path(
        "projects/<int:pk>/checkpoints/<int:checkpoint>/schedule/",
        views.checkpoint_schedule,
        name="checkpoint-schedule",
    ),
    path("projects/<int:pk>/checkpoints/<int:checkpoint>/cancel/", views.checkpoint_cancel, name="checkpoint-cancel"),
    path("projects/<int:pk>/checkpoints/<int:checkpoint>/agenda/", views.checkpoint_agenda, name="checkpoint-agenda"),
    path("projects/<int:pk>/checkpoints/<int:checkpoint>/notes/", views.checkpoint_notes, name="checkpoint-notes"),
    path("projects/<int:pk>/checkpoints/<int:checkpoint>/decision/", views.checkpoint_decide, name="checkpoint-decide"),
    path(
        "projects/<int:pk>/checkpoints/<int:checkpoint>/calendar.ics",
        views.checkpoint_calendar,
        name="checkpoint-calendar",
    ),
    path("projects/<int:pk>/actions/new/", views.action_create, name="action-create"),
    path("projects/<int:pk>/actions/<int:action>/status/", views.action_status, name="action-status"),
]
