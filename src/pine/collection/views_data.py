"""Pages for data already held elsewhere: imports, downloads, API keys and the API's documentation."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pine.collection import exports, imports, validation
from pine.collection.api import schema, token_hash
from pine.collection.files import MAX_COLUMNS, FileRefused, human_size
from pine.collection.forms import ApiTokenForm, ExportForm
from pine.collection.models import ApiToken, ImportBatch, ImportStatus, Instrument, Wave
from pine.collection.services import CollectionError
from pine.collection.views import permissions, project_for
from pine.core import audit, policy
from pine.core.exports import csv_response
from pine.core.forms import GovukForm, posted
from pine.core.models import AuditAction
from pine.core.policy import Action
from pine.core.types import AuthenticatedRequest
from pine.journey.models import Project

# Imports


class UploadForm(GovukForm):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV, Excel (.xlsx) or SPSS (.sav) file with one row per person and a heading on each column.",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )


def _batch(project: Project, pk: int) -> ImportBatch:
    batch = (
        ImportBatch.objects.select_related("wave", "instrument", "uploaded_by").filter(project=project, pk=pk).first()
    )
    if batch is None:
        raise Http404
    batch.project = project
    return batch


@policy.requires(Action.VIEW_COLLECTION)
def import_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk)
    context = permissions(request, project)
    form = UploadForm(posted(request), request.FILES or None)
    if request.method == "POST":
        policy.authorize(request.user, Action.MANAGE_COLLECTION, project)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            limit = settings.PINE_UPLOAD_MAX_BYTES
            try:
                if upload.size > limit:
                    raise FileRefused(f"The selected file must be smaller than {human_size(limit)}")
                batch = imports.batch_upload(
                    actor=request.user, project=project, filename=upload.name, data=upload.read()
                )
            except (FileRefused, CollectionError) as problem:
                form.add_error("file", str(problem))
            else:
                return redirect("collection:import-columns", pk=project.pk, batch=batch.pk)
    batches = list(project.import_batches.select_related("uploaded_by")[:50])
    for batch in batches:
        batch.project = project  # for the policy check, without a query per batch
    # Each batch with whether its status would tell this person what a case number matched.
    rows = [(batch, not imports.may_see_rows(user=request.user, batch=batch)) for batch in batches]
    return render(
        request,
        "collection/imports.html",
        {
            "form": form,
            "rows": rows,
            "limit_mb": settings.PINE_UPLOAD_MAX_BYTES // (1024 * 1024),
            "max_columns": MAX_COLUMNS,
            **context,
        },
    )


class ColumnsForm(GovukForm):
    instrument = forms.ModelChoiceField(
        label="Which questionnaire are the answers to?",
        queryset=Instrument.objects.none(),
        empty_label=None,
        error_messages={"required": "Select the questionnaire"},
    )
    wave = forms.ModelChoiceField(
        label="Which wave are the answers from?",
        help_text="Or choose the column that says the wave of each row, below.",
        queryset=Wave.objects.none(),
        required=False,
        empty_label="A column says which wave",
    )
    missing_codes = forms.CharField(
        label="Codes your file uses for a missing answer",
        help_text="Separated by commas, like N/A, -99, missing. Empty cells always count as missing.",
        required=False,
        max_length=300,
    )
    create_participants = forms.BooleanField(
        label="Add people with a case number PINE does not know as new participants",
        help_text="Only when a column holds case numbers. Otherwise such rows are reported as problems.",
        required=False,
    )

    def __init__(self, *args: Any, batch: ImportBatch, may_identify: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project_id = batch.project_id
        instrument_field = self.fields["instrument"]
        wave_field = self.fields["wave"]
        assert isinstance(instrument_field, forms.ModelChoiceField) and isinstance(wave_field, forms.ModelChoiceField)
        instrument_field.queryset = Instrument.objects.filter(project_id=project_id)
        wave_field.queryset = Wave.objects.filter(project_id=project_id)
        chosen = self.data.get("instrument") if self.is_bound else None
        instrument = (
            Instrument.objects.filter(project_id=project_id, pk=chosen).first()
            if chosen and str(chosen).isdigit()
            else None
        )
        instrument = instrument or batch.instrument
        # Matching on an identifier is offered only to those who may see identifiers.
        targets = [
            ("", "Ignore this column"),
            *((t, label) for t, label in validation.TARGETS.items() if may_identify or t not in validation.IDENTIFYING),
        ]
        if instrument is not None:
            targets += [(f"item:{i.code}", f"Question {i.code}: {i.text[:70]}") for i in instrument.items.all()]
        self.column_names = []
        for index, header in enumerate(batch.headers):
            name = f"col_{index}"
            self.fields[name] = forms.ChoiceField(label=header, choices=targets, required=False)
            self.column_names.append(name)

    def mapping(self, headers: list[str]) -> dict[str, str]:
        return {header: self.cleaned_data.get(f"col_{index}", "") for index, header in enumerate(headers)}


@policy.requires(Action.MANAGE_COLLECTION)
def import_columns(request: AuthenticatedRequest, pk: int, batch: int) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    row = _batch(project, batch)
    if row.status not in imports.EDITABLE:
        return redirect(row)
    initial: dict[str, Any] = {
        "instrument": row.instrument,
        "wave": row.wave,
        "missing_codes": ", ".join(row.missing_codes),
        "create_participants": row.create_participants,
    }
    may_identify = policy.can(request.user, Action.VIEW_IDENTIFIERS, project)
    initial.update(
        {
            f"col_{i}": "" if row.mapping.get(h, "") in validation.IDENTIFYING and not may_identify else row.mapping[h]
            for i, h in enumerate(row.headers)
            if h in row.mapping
        }
    )
    form = ColumnsForm(posted(request), initial=initial, batch=row, may_identify=may_identify)
    if request.method == "POST" and "refresh" in request.POST:
        # A new questionnaire: offer its questions, with a fresh guess from the headings. The wave and the other
        # answers on the page are kept.
        try:
            instrument = form.fields["instrument"].clean(request.POST.get("instrument"))
            wave = form.fields["wave"].clean(request.POST.get("wave"))
            imports.batch_choose_instrument(
                actor=request.user,
                batch=row,
                instrument=instrument,
                wave=wave,
                missing_codes=request.POST.get("missing_codes", "")[:300].split(","),
                create_participants=bool(request.POST.get("create_participants")),
            )
        except (forms.ValidationError, CollectionError) as problem:
            form.add_error(None, problem.messages[0] if isinstance(problem, forms.ValidationError) else str(problem))
        else:
            return redirect("collection:import-columns", pk=project.pk, batch=row.pk)
    if request.method == "POST" and form.is_valid():
        try:
            imports.batch_configure(
                actor=request.user,
                batch=row,
                instrument=form.cleaned_data["instrument"],
                wave=form.cleaned_data["wave"],
                mapping=form.mapping(row.headers),
                missing_codes=form.cleaned_data["missing_codes"].split(","),
                create_participants=form.cleaned_data["create_participants"],
            )
        except CollectionError as problem:
            form.add_error(None, str(problem))
        else:
            return redirect(row)
    return render(
        request, "collection/import_columns.html", {"form": form, "batch": row, **permissions(request, project)}
    )


@policy.requires(Action.VIEW_COLLECTION)
def import_detail(request: AuthenticatedRequest, pk: int, batch: int) -> HttpResponse:
    """The check's report and preview, or the progress of a large file (the page refreshes itself)."""
    project = project_for(request, pk)
    row = _batch(project, batch)
    return render(
        request,
        "collection/import.html",
        {
            "batch": row,
            "rows_hidden": not imports.may_see_rows(user=request.user, batch=row),
            **permissions(request, project),
        },
    )


def _start(request: AuthenticatedRequest, pk: int, batch: int, start: Callable[..., ImportBatch]) -> HttpResponse:
    """Start the import's work (`start` is the service), then show the import: its outcome or its progress."""
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    row = _batch(project, batch)
    try:
        row = start(actor=request.user, batch=row)
    except CollectionError as problem:
        messages.error(request, str(problem))
    else:
        if row.status == ImportStatus.COMMITTED:
            messages.success(request, row.message)
    return redirect("collection:import", pk=project.pk, batch=row.pk)


@policy.requires(Action.MANAGE_COLLECTION)
@require_POST
def import_commit(request: AuthenticatedRequest, pk: int, batch: int) -> HttpResponse:
    return _start(request, pk, batch, imports.batch_commit)


@policy.requires(Action.MANAGE_COLLECTION)
@require_POST
def import_retry(request: AuthenticatedRequest, pk: int, batch: int) -> HttpResponse:
    """Start again a check or import whose worker stopped."""
    return _start(request, pk, batch, imports.batch_retry)


@policy.requires(Action.MANAGE_COLLECTION)
@require_POST
def import_discard(request: AuthenticatedRequest, pk: int, batch: int) -> HttpResponse:
    project = project_for(request, pk, Action.MANAGE_COLLECTION)
    row = _batch(project, batch)
    try:
        imports.batch_discard(actor=request.user, batch=row)
    except CollectionError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "The file has been discarded: nothing from it was stored")
    return redirect("collection:imports", pk=project.pk)


# Downloads


@policy.requires(Action.EXPORT_RESPONSES)
def export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk, Action.EXPORT_RESPONSES)
    context = permissions(request, project)
    form = ExportForm(
        initial={"file_format": "csv", "layout": "wide", "identifiable": "no"},
        may_identify=context["may_export_identifiable"],
    )
    return render(request, "collection/export.html", {"form": form, **context})


CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
}


@policy.requires(Action.EXPORT_RESPONSES)
def export_file(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    project = project_for(request, pk, Action.EXPORT_RESPONSES)
    may_identify = policy.can(request.user, Action.EXPORT_IDENTIFIABLE, project)
    choices = {"file_format": "csv", "layout": "wide", "identifiable": "no", **request.GET.dict()}
    form = ExportForm(choices, may_identify=True)
    if not form.is_valid():
        return redirect("collection:export", pk=project.pk)
    kind, layout = form.cleaned_data["file_format"], form.cleaned_data["layout"]
    identifiable = form.cleaned_data.get("identifiable") == "yes"
    if identifiable and not may_identify:
        policy.authorize(request.user, Action.EXPORT_IDENTIFIABLE, project)
    dataset = exports.build(project=project, layout=layout, identifiable=identifiable)
    what = f"{'identifiable' if identifiable else 'pseudonymised'} responses {kind.upper()} ({layout})"
    audit.record(action=AuditAction.EXPORTED, obj=project, changes={"export": ["", what]})
    name = f"pine-{project.reference.lower()}-responses-{layout}{'-identifiable' if identifiable else ''}"
    if kind == "csv":
        return csv_response(exports.as_csv_rows(dataset), filename=f"{name}.csv")
    body = exports.as_xlsx(dataset) if kind == "xlsx" else exports.as_sav(dataset)
    response = HttpResponse(body, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@policy.requires(Action.EXPORT_RESPONSES)
def export_dictionary(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    project = project_for(request, pk, Action.EXPORT_RESPONSES)
    layout = "long" if request.GET.get("layout") == "long" else "wide"
    dataset = exports.build(project=project, layout=layout)
    return csv_response(exports.dictionary(dataset), filename=f"pine-{project.reference.lower()}-data-dictionary.csv")


# API keys


@policy.requires(Action.MANAGE_API_TOKENS)
def api_tokens(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    organisation = policy.get_object_or_404(
        request.user, Action.MANAGE_API_TOKENS, policy.visible_organisations(request.user), pk=pk
    )
    form = ApiTokenForm(posted(request))
    new_key = ""
    if request.method == "POST" and form.is_valid():
        new_key = "pine_" + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            organisation=organisation,
            name=form.cleaned_data["name"],
            prefix=new_key[:10],
            token_hash=token_hash(new_key),
            scopes=form.cleaned_data["scopes"],
            created_by=request.user,
        )
        audit.record(
            action=AuditAction.CREATED,
            obj=token,
            organisation=organisation,
            changes={"scopes": ["", ", ".join(token.scopes)]},
        )
        form = ApiTokenForm()
    return render(
        request,
        "collection/api_tokens.html",
        {
            "organisation": organisation,
            "tokens": ApiToken.objects.filter(organisation=organisation).select_related("created_by"),
            "form": form,
            "new_key": new_key,
        },
    )


@policy.requires(Action.MANAGE_API_TOKENS)
@require_POST
def api_token_revoke(request: AuthenticatedRequest, pk: int, token: int) -> HttpResponse:
    organisation = policy.get_object_or_404(
        request.user, Action.MANAGE_API_TOKENS, policy.visible_organisations(request.user), pk=pk
    )
    row = ApiToken.objects.filter(organisation=organisation, pk=token, revoked_at__isnull=True).first()
    if row is None:
        raise Http404
    row.revoked_at = timezone.now()
    row.save(update_fields=["revoked_at"])
    audit.record(action=AuditAction.CHANGED, obj=row, organisation=organisation, changes={"revoked": ["", "yes"]})
    messages.success(request, f"The key {row.name} no longer works")
    return redirect("collection:api-tokens", pk=organisation.pk)


@policy.public
def api_docs(request: HttpRequest) -> HttpResponse:
    """The API's OpenAPI document as a GOV.UK page (the JSON is at /api/v1/openapi.json)."""
    document = schema()
    operations = []
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "parameters": operation.get("parameters", []),
                    "body": body.get("$ref", "").rsplit("/", 1)[-1],
                    "responses": [
                        (code, r.get("description", "")) for code, r in operation.get("responses", {}).items()
                    ],
                }
            )
    schemas = [
        {
            "name": name,
            "fields": [
                (field, spec.get("description", spec.get("title", "")), field in body.get("required", []))
                for field, spec in body.get("properties", {}).items()
            ],
        }
        for name, body in document.get("components", {}).get("schemas", {}).items()
    ]
    return render(
        request,
        "collection/api_docs.html",
        {"document": document, "operations": operations, "schemas": schemas},
    )
