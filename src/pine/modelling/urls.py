from django.urls import path

from pine.modelling import views_measures, views_plan, views_plan_items, views_toc

app_name = "modelling"

TOC = "projects/<int:pk>/theory-of-change"
PLAN = "projects/<int:pk>/plan"

urlpatterns = [
    path(f"{TOC}/", views_toc.toc, name="toc"),
    path(f"{TOC}/elements/new/", views_toc.element_add, name="element-add"),
    path(f"{TOC}/elements/<int:element>/", views_toc.element_edit, name="element-edit"),
    path(f"{TOC}/elements/<int:element>/remove/", views_toc.element_remove, name="element-remove"),
    path(f"{TOC}/elements/<int:element>/move/", views_toc.element_move, name="element-move"),
    path(f"{TOC}/links/new/", views_toc.link_add, name="link-add"),
    path(f"{TOC}/links/<int:link>/remove/", views_toc.link_remove, name="link-remove"),
    path(f"{TOC}/versions/", views_toc.toc_versions, name="toc-versions"),
    path(f"{TOC}/versions/<int:number>/", views_toc.toc_version, name="toc-version"),
    path(f"{TOC}/diagram.svg", views_toc.toc_download, {"fmt": "svg"}, name="toc-svg"),
    path(f"{TOC}/diagram.png", views_toc.toc_download, {"fmt": "png"}, name="toc-png"),
    path(f"{TOC}/theory-of-change.docx", views_toc.toc_download, {"fmt": "docx"}, name="toc-docx"),
    path(f"{TOC}/theory-of-change.pdf", views_toc.toc_download, {"fmt": "pdf"}, name="toc-pdf"),
    path(f"{PLAN}/", views_plan.plan, name="plan"),
    path(f"{PLAN}/design/", views_plan.plan_section, {"section": "design"}, name="plan-design"),
    path(f"{PLAN}/participants/", views_plan.plan_section, {"section": "participants"}, name="plan-participants"),
    path(f"{PLAN}/data-sources/", views_plan.plan_section, {"section": "data-sources"}, name="plan-data-sources"),
    path(f"{PLAN}/sharing/", views_plan.plan_section, {"section": "sharing"}, name="plan-sharing"),
    path(f"{PLAN}/sample-size/", views_plan.calculator, name="calculator"),
    path(f"{PLAN}/versions/", views_plan.plan_versions, name="plan-versions"),
    path(f"{PLAN}/versions/<int:number>/", views_plan.plan_version, name="plan-version"),
    path(f"{PLAN}/evaluation-plan.docx", views_plan.plan_download, {"fmt": "docx"}, name="plan-docx"),
    path(f"{PLAN}/evaluation-plan.pdf", views_plan.plan_download, {"fmt": "pdf"}, name="plan-pdf"),
    path("measures/", views_measures.measure_list, name="measure-list"),
    path("measures/new/", views_measures.measure_add, name="measure-add"),
    path("measures/<int:measure>/", views_measures.measure_detail, name="measure"),
    path("measures/<int:measure>/edit/", views_measures.measure_edit, name="measure-edit"),
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
        path(f"{PLAN}/{_kind}/new/", views_plan_items.plan_item, {"kind": _kind}, name=f"plan-{_name}-add"),
        path(f"{PLAN}/{_kind}/<int:item>/", views_plan_items.plan_item, {"kind": _kind}, name=f"plan-{_name}"),
        path(
            f"{PLAN}/{_kind}/<int:item>/remove/",
            views_plan_items.plan_item_remove,
            {"kind": _kind},
            name=f"plan-{_name}-remove",
        ),
    ]
