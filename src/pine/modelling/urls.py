from django.urls import path

from pine.modelling import views

app_name = "modelling"

TOC = "projects/<int:pk>/theory-of-change"
PLAN = "projects/<int:pk>/plan"

urlpatterns = [
    path(f"{TOC}/", views.toc, name="toc"),
    path(f"{TOC}/elements/new/", views.element_add, name="element-add"),
    path(f"{TOC}/elements/<int:element>/", views.element_edit, name="element-edit"),
    path(f"{TOC}/elements/<int:element>/remove/", views.element_remove, name="element-remove"),
    path(f"{TOC}/elements/<int:element>/move/", views.element_move, name="element-move"),
    path(f"{TOC}/links/new/", views.link_add, name="link-add"),
    path(f"{TOC}/links/<int:link>/remove/", views.link_remove, name="link-remove"),
    path(f"{TOC}/versions/", views.toc_versions, name="toc-versions"),
    path(f"{TOC}/versions/<int:number>/", views.toc_version, name="toc-version"),
    path(f"{TOC}/diagram.svg", views.toc_download, {"fmt": "svg"}, name="toc-svg"),
    path(f"{TOC}/diagram.png", views.toc_download, {"fmt": "png"}, name="toc-png"),
    path(f"{TOC}/theory-of-change.docx", views.toc_download, {"fmt": "docx"}, name="toc-docx"),
    path(f"{TOC}/theory-of-change.pdf", views.toc_download, {"fmt": "pdf"}, name="toc-pdf"),
    path(f"{PLAN}/", views.plan, name="plan"),
    path(f"{PLAN}/design/", views.plan_section, {"section": "design"}, name="plan-design"),
    path(f"{PLAN}/participants/", views.plan_section, {"section": "participants"}, name="plan-participants"),
    path(f"{PLAN}/data-sources/", views.plan_section, {"section": "data-sources"}, name="plan-data-sources"),
    path(f"{PLAN}/sharing/", views.plan_section, {"section": "sharing"}, name="plan-sharing"),
    path(f"{PLAN}/sample-size/", views.calculator, name="calculator"),
    path(f"{PLAN}/versions/", views.plan_versions, name="plan-versions"),
    path(f"{PLAN}/versions/<int:number>/", views.plan_version, name="plan-version"),
    path(f"{PLAN}/evaluation-plan.docx", views.plan_download, {"fmt": "docx"}, name="plan-docx"),
    path(f"{PLAN}/evaluation-plan.pdf", views.plan_download, {"fmt": "pdf"}, name="plan-pdf"),
    path("measures/", views.measure_list, name="measure-list"),
    path("measures/new/", views.measure_add, name="measure-add"),
    path("measures/<int:measure>/", views.measure_detail, name="measure"),
    path("measures/<int:measure>/edit/", views.measure_edit, name="measure-edit"),
]

# The plan's lists: questions, outcomes to measure, analyses, timeline and risks share one add/change/remove view.
for _kind, _name in (
    ("questions", "question"),
    ("outcomes", "outcome"),
    ("analyses", "analysis"),
    ("timeline", "milestone"),
    ("risks", "risk"),
):
    urlpatterns += [
        path(f"{PLAN}/{_kind}/new/", views.plan_item, {"kind": _kind}, name=f"plan-{_name}-add"),
        path(f"{PLAN}/{_kind}/<int:item>/", views.plan_item, {"kind": _kind}, name=f"plan-{_name}"),
        path(
            f"{PLAN}/{_kind}/<int:item>/remove/", views.plan_item_remove, {"kind": _kind}, name=f"plan-{_name}-remove"
        ),
    ]
