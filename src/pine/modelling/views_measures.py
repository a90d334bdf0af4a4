"""Pages for the measures library: the list, a measure, and adding or changing one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pine.core import policy
from pine.core.forms import posted
from pine.core.policy import Action
from pine.core.types import AuthenticatedRequest
from pine.modelling import selectors, services
from pine.modelling.forms_measures import MeasureForm
from pine.modelling.models import Measure, Reporter
from pine.modelling.views_common import _form_page

# Measures library


@policy.requires(Action.LIST_MEASURES)
def measure_list(request: AuthenticatedRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    completed_by = request.GET.get("completed_by", "")
    if completed_by not in Reporter.values:
        completed_by = ""
    measures = selectors.measure_list(
        measures=policy.visible_measures(request.user), search=search, completed_by=completed_by
    )
    return render(
        request,
        "modelling/measure_list.html",
        {
            "measures": measures,
            "search": search,
            "completed_by": completed_by,
            "reporters": Reporter.choices,
            "may_add": policy.can(request.user, Action.ADD_MEASURE),
        },
    )


def _measure(request: AuthenticatedRequest, measure: int, action: Action) -> Measure:
    return policy.get_object_or_404(
        request.user, action, policy.visible_measures(request.user).select_related("organisation"), pk=measure
    )


@policy.requires(Action.LIST_MEASURES)
def measure_detail(request: AuthenticatedRequest, measure: int) -> HttpResponse:
    row = _measure(request, measure, Action.LIST_MEASURES)
    return render(
        request,
        "modelling/measure_detail.html",
        {
            "measure": row,
            "priorities": row.priorities.all(),
            "may_change": policy.can(request.user, Action.CHANGE_MEASURE, row),
        },
    )


MEASURE_GUIDANCE = [
    "Describe the measure and link to where it comes from. Do not copy a copyrighted questionnaire's questions "
    "into PINE: check its licence allows your use, and get the forms from the source.",
]


def _organisation_choices(request: AuthenticatedRequest) -> list[tuple[str, str]]:
    from pine.accounts.models import Organisation

    if policy.can(request.user, Action.ADD_MEASURE) and request.user.programme_role == "programme_manager":
        return []
    ids = policy.measure_organisations(request.user)
    return [(str(o.pk), o.name) for o in Organisation.objects.filter(pk__in=ids).order_by("name")]


@policy.requires(Action.ADD_MEASURE)
def measure_add(request: AuthenticatedRequest) -> HttpResponse:
    from pine.accounts.models import Organisation

    choices = _organisation_choices(request)
    form = MeasureForm(posted(request), organisations=choices if len(choices) > 1 else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = None
        if choices:
            chosen = data.pop("organisation", choices[0][0])
            organisation = Organisation.objects.get(pk=int(chosen))
            policy.authorize(request.user, Action.ADD_MEASURE, organisation)
        measure = services.measure_create(
            actor=request.user, organisation=organisation, data=data, priorities=data.pop("priorities")
        )
        messages.success(request, f"{measure.name} has been added to the measures library")
        return redirect(measure)
    return _form_page(
        request,
        {
            "form": form,
            "caption": "Measures library",
            "title": "Add a measure",
            "guidance": MEASURE_GUIDANCE
            + (
                [f"It is added to {choices[0][1]}'s library, which your organisation's projects can use."]
                if len(choices) == 1
                else []
            ),
            "submit": "Add measure",
            "back": reverse("modelling:measure-list"),
        },
    )


@policy.requires(Action.CHANGE_MEASURE)
def measure_edit(request: AuthenticatedRequest, measure: int) -> HttpResponse:
    row = _measure(request, measure, Action.CHANGE_MEASURE)
    initial = {name: getattr(row, name) for name in services.MEASURE_FIELDS}
    initial["validated"] = "yes" if row.validated else "no"
    initial["priorities"] = list(row.priorities.all())
    form = MeasureForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.measure_update(actor=request.user, measure=row, data=data, priorities=data.pop("priorities"))
        messages.success(request, f"{row.name} has been saved")
        return redirect(row)
    return _form_page(
        request,
        {
            "form": form,
            "caption": "Measures library",
            "title": f"Change {row.name}",
            "guidance": MEASURE_GUIDANCE,
            "submit": "Save measure",
            "back": row.get_absolute_url(),
        },
    )
