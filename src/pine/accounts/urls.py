from django.urls import path

from pine.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/", views.two_factor_verify, name="two-factor-verify"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_done, name="password-reset-done"),
    path("password-reset/<uidb64>/<token>/", views.password_reset_confirm, name="password-reset-confirm"),
    path("password-reset/done/", views.password_reset_complete, name="password-reset-complete"),
    path("account/", views.account, name="account"),
    path("join/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("team/organisations/", views.organisation_list, name="organisation-list"),
    path("team/organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("team/organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("organisations/<int:pk>/invite/", views.invite_to_organisation, name="organisation-invite"),
    path("team/people/", views.people_list, name="people-list"),
    path("team/people/<int:pk>/", views.person_detail, name="person-detail"),
    path(
        "team/people/<int:pk>/<slug:action>/",
        views.person_action,
        name="person-action",
    ),
    path("invitations/", views.invitation_list, name="invitation-list"),
    path("invitations/new/", views.invite_programme_staff, name="invitation-create"),
    path("invitations/<int:pk>/withdraw/", views.invitation_revoke, name="invitation-revoke"),
]
