from django.urls import path

from pine.collection import views, views_data, views_respond, views_waves

app_name = "collection"

P = "projects/<int:pk>/collect/"

urlpatterns = [
    path(P, views.overview, name="home"),
    # Questionnaires
    path(P + "questionnaires/new/", views.instrument_create, name="instrument-create"),
    path(P + "questionnaires/<int:instrument>/", views.instrument_detail, name="instrument"),
    path(P + "questionnaires/<int:instrument>/settings/", views.instrument_edit, name="instrument-edit"),
    path(P + "questionnaires/<int:instrument>/new-version/", views.instrument_version, name="instrument-version"),
    path(P + "questionnaires/<int:instrument>/preview/", views.instrument_preview, name="instrument-preview"),
    path(P + "questionnaires/<int:instrument>/pages/new/", views.section_edit, name="section-create"),
    path(P + "questionnaires/<int:instrument>/pages/<int:section>/", views.section_edit, name="section-edit"),
    path(
        P + "questionnaires/<int:instrument>/pages/<int:section>/delete/", views.section_delete, name="section-delete"
    ),
    path(P + "questionnaires/<int:instrument>/pages/<int:section>/questions/new/", views.item_edit, name="item-create"),
    path(P + "questionnaires/<int:instrument>/questions/<int:item>/", views.item_edit, name="item-edit"),
    path(P + "questionnaires/<int:instrument>/questions/<int:item>/delete/", views.item_delete, name="item-delete"),
    path(P + "questionnaires/<int:instrument>/questions/<int:item>/move/", views.item_move, name="item-move"),
    path(P + "questionnaires/<int:instrument>/subscales/new/", views.subscale_edit, name="subscale-create"),
    path(P + "questionnaires/<int:instrument>/subscales/<int:subscale>/", views.subscale_edit, name="subscale-edit"),
    path(
        P + "questionnaires/<int:instrument>/subscales/<int:subscale>/delete/",
        views.subscale_delete,
        name="subscale-delete",
    ),
    # Waves and response tracking
    path(P + "waves/new/", views_waves.wave_edit, name="wave-create"),
    path(P + "waves/<int:wave>/", views_waves.wave_detail, name="wave"),
    path(P + "waves/<int:wave>/settings/", views_waves.wave_edit, name="wave-edit"),
    path(P + "waves/<int:wave>/open/", views_waves.wave_open, name="wave-open"),
    path(P + "waves/<int:wave>/close/", views_waves.wave_close, name="wave-close"),
    path(P + "waves/<int:wave>/send/", views_waves.wave_send, name="wave-send"),
    path(P + "waves/<int:wave>/remind/", views_waves.wave_remind, name="wave-remind"),
    path(P + "waves/<int:wave>/links.csv", views_waves.wave_links_csv, name="wave-links"),
    path(P + "waves/<int:wave>/open-link/", views_waves.wave_open_link, name="wave-open-link"),
    # Participants
    path(P + "participants/", views_waves.participant_list, name="participants"),
    path(P + "participants/new/", views_waves.participant_create, name="participant-create"),
    path(P + "participants/add-several/", views_waves.participant_add_many, name="participant-add-many"),
    path(P + "participants/<int:participant>/", views_waves.participant_detail, name="participant"),
    path(P + "participants/<int:participant>/change/", views_waves.participant_edit, name="participant-edit"),
    path(
        P + "participants/<int:participant>/identifiers/",
        views_waves.participant_identifiers,
        name="participant-identifiers",
    ),
    path(P + "participants/<int:participant>/delete/", views_waves.participant_delete, name="participant-delete"),
    # Imports and exports
    path(P + "imports/", views_data.import_list, name="imports"),
    path(P + "imports/<int:batch>/", views_data.import_detail, name="import"),
    path(P + "imports/<int:batch>/columns/", views_data.import_columns, name="import-columns"),
    path(P + "imports/<int:batch>/import/", views_data.import_commit, name="import-commit"),
    path(P + "imports/<int:batch>/retry/", views_data.import_retry, name="import-retry"),
    path(P + "imports/<int:batch>/discard/", views_data.import_discard, name="import-discard"),
    path(P + "download/", views_data.export, name="export"),
    path(P + "download/responses/", views_data.export_file, name="export-file"),
    path(P + "download/data-dictionary.csv", views_data.export_dictionary, name="export-dictionary"),
    # API keys, per organisation
    path("organisations/<int:pk>/api-keys/", views_data.api_tokens, name="api-tokens"),
    path("organisations/<int:pk>/api-keys/<int:token>/revoke/", views_data.api_token_revoke, name="api-token-revoke"),
    path("api/docs", views_data.api_docs, name="api-docs"),
    # Respondents (public: the link is the key)
    path("s/<str:token>/", views_respond.start, name="respond"),
    path("s/<str:token>/page/<int:number>/", views_respond.page, name="respond-page"),
    path("s/<str:token>/check/", views_respond.check, name="respond-check"),
    path("s/<str:token>/done/", views_respond.done, name="respond-done"),
]
