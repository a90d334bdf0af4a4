"""Imports: upload a file, say what its columns are, check every row, then store everything or nothing.

The uploaded file is kept encrypted (with the identifying-data keys) only until it is imported or discarded.
Files with more than `BACKGROUND_ROWS` rows are checked and stored by a background task; the page shows its
progress. Storing always checks the rows again, inside one transaction: a problem or a failure on the last row
stores nothing at all.

The file is read as a stream (see `files`), never whole. Whoever checks or stores the rows marks the batch as
alive (`heartbeat_at`) as it goes; a batch that has been silent for `STALLED_AFTER` had its worker die, and can be
tried again or discarded. Each start of the work takes a new `attempt` number: a worker whose attempt is no longer
the batch's own stops without writing anything.

Matching rows on an identifier (a case number) needs the right to see identifiers, and so does anything that
shows which participant such a row matched: a preview, a problem, a count or a status.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from pine.accounts.models import User
from pine.collection import survey, validation
from pine.collection.answer_forms import shown
from pine.collection.files import FileRefused, Sheet, inspect, stream
from pine.collection.models import (
    Consent,
    Group,
    ImportBatch,
    ImportMapping,
    ImportStatus,
    Instrument,
    Participant,
    Response,
    ResponseSource,
    ResponseStatus,
    Wave,
)
from pine.collection.services import CollectionError
from pine.collection.services_waves import new_pseudonyms
from pine.core import audit, crypto, policy
from pine.core.models import AuditAction
from pine.core.policy import Action
from pine.journey import gates
from pine.journey.models import Project

logger = logging.getLogger(__name__)
BACKGROUND_ROWS = 2000
PREVIEW_ROWS = 10
INSERT_BATCH = 2000
EDITABLE = {ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.PROBLEMS, ImportStatus.FAILED}
IDENTIFIERS_NEEDED = (
    "Only your site lead or data protection officer can match rows by case number: ask them to choose the columns "
    "and import this file"
)


class _GivenUp(Exception):
    """This worker's attempt is no longer the batch's own (someone pressed Retry or Discard): stop, write nothing."""


class _AnsweredMeanwhile(Exception):
    """Answers for some of the file's participants reached PINE after the file was checked: store nothing."""


def _answered_meanwhile(plan: validation.Plan, rows: list[validation.Row]) -> bool:
    """Whether PINE now holds answers for any of these participants and waves (the check `validate` makes)."""
    pairs = {(row.participant_id, row.wave_id) for row in rows if row.participant_id}
    ids = sorted({participant for participant, _wave in pairs})
    for start in range(0, len(ids), 900):
        found = Response.objects.filter(
            instrument__family=plan.instrument.family,
            wave__project_id=plan.project_id,
            participant_id__in=ids[start : start + 900],
        ).values_list("participant_id", "wave_id")
        if any(pair in pairs for pair in found):
            return True
    return False


def _require_gate(project: Project) -> None:
    try:
        gates.require(project, gates.Gate.COLLECT_DATA)
    except gates.GateClosed as closed:
        raise CollectionError(str(closed)) from closed


def headers_key(headers: list[str]) -> str:
    return hashlib.sha256("\x1f".join(h.casefold() for h in headers).encode("utf-8")).hexdigest()


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


SYNONYMS = {
    validation.PARTICIPANT: {"participant", "pseudonym", "participantid", "pid", "id", "respondent", "respondentid"},
    validation.CASE_NUMBER: {"casenumber", "caseno", "caseref", "casereference", "caseid", "personid", "clientid"},
    validation.WAVE: {"wave", "timepoint", "time", "occasion", "survey"},
    validation.GROUP: {"group", "arm", "condition", "allocation"},
    validation.CLUSTER: {"team", "cluster", "site", "locality", "service"},
}


def uses_identifiers(mapping: dict[str, str]) -> bool:
    return any(target in validation.IDENTIFYING for target in mapping.values())


def may_see_rows(*, user: Any, batch: ImportBatch) -> bool:
    """Whether this person may see what the rows of a batch matched: its preview, problems, counts and status."""
    return not uses_identifiers(batch.mapping) or policy.can(user, Action.VIEW_IDENTIFIERS, batch.project)


def _require_identifiers(*, actor: User, project: Project, mapping: dict[str, str]) -> None:
    if uses_identifiers(mapping) and not policy.can(actor, Action.VIEW_IDENTIFIERS, project):
        raise CollectionError(IDENTIFIERS_NEEDED)


def _without_identifiers(*, actor: User, project: Project, mapping: dict[str, str]) -> dict[str, str]:
    """A remembered or guessed mapping, without any identifier column the person may not use."""
    if policy.can(actor, Action.VIEW_IDENTIFIERS, project):
        return mapping
    return {h: ("" if t in validation.IDENTIFYING else t) for h, t in mapping.items()}


def suggest_mapping(*, headers: list[str], instrument: Instrument | None) -> dict[str, str]:
    """A first guess at each column from its heading: the person checks and changes it."""
    items = list(instrument.items.all()) if instrument is not None else []
    by_code = {_normal(i.code): i.code for i in items}
    by_text = {_normal(i.text): i.code for i in items}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        normal = _normal(header)
        target = ""
        for name, words in SYNONYMS.items():
            if normal in words and name not in used:
                target = name
        code = by_code.get(normal) or by_text.get(normal)
        if not target and code:
            target = f"item:{code}"
        if target:
            used.add(target)
        mapping[header] = target
    return mapping


def _store_file(data: bytes) -> str:
    return default_storage.save(f"collection-imports/{uuid.uuid4().hex}.bin", ContentFile(crypto.encrypt_bytes(data)))


def load_rows(batch: ImportBatch) -> tuple[Sheet, Any]:
    """The kept file's headings and its rows, read one at a time as they are checked."""
    if not batch.stored_name or not default_storage.exists(batch.stored_name):
        raise CollectionError("The uploaded file is no longer kept. Upload it again.")
    with default_storage.open(batch.stored_name, "rb") as handle:
        data = crypto.decrypt_bytes(handle.read())
    sheet, rows = stream(data, filename=f"upload.{batch.file_format}", max_bytes=settings.PINE_UPLOAD_MAX_BYTES)
    if sheet.headers != batch.headers:
        raise CollectionError("The uploaded file has changed since it was uploaded. Upload it again.")
    return sheet, rows


def _delete_file(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)


@transaction.atomic
def batch_upload(*, actor: User, project: Project, filename: str, data: bytes) -> ImportBatch:
    """Read and keep an uploaded file (encrypted) for the person to say what its columns are."""
    _require_gate(project)
    table = inspect(data, filename=filename, max_bytes=settings.PINE_UPLOAD_MAX_BYTES)
    digest = hashlib.sha256(data).hexdigest()
    done = ImportBatch.objects.filter(project=project, sha256=digest, status=ImportStatus.COMMITTED).first()
    if done is not None:
        when = timezone.localtime(done.committed_at or done.uploaded_at)
        raise CollectionError(
            f"This file was already imported on {when:%-d %B %Y at %H:%M}. Importing it again would store the same "
            "answers twice. If it has new rows, upload a file with only those."
        )
    saved = ImportMapping.objects.filter(project=project, headers_key=headers_key(table.headers)).first()
    instrument = project.instruments.order_by("-created_at").first()
    batch = ImportBatch(
        project=project,
        uploaded_by=actor,
        filename=filename[-200:],
        file_format=table.file_format,
        size=len(data),
        sha256=digest,
        headers=table.headers,
        row_count=table.row_count,
        instrument=instrument,
        mapping=_without_identifiers(
            actor=actor,
            project=project,
            mapping=saved.mapping if saved else suggest_mapping(headers=table.headers, instrument=instrument),
        ),
        missing_codes=saved.missing_codes if saved else ["N/A", "NA", "-99", "missing"],
    )
    batch.stored_name = _store_file(data)
    try:
        batch.save()
        audit.record(
            action=AuditAction.CREATED,
            obj=batch,
            actor=actor,
            changes={"file": ["", f"{table.file_format.upper()}, {table.row_count} rows"]},
        )
    except BaseException:
        _delete_file(batch.stored_name)  # no batch row will point at it: do not leave it on disk
        raise
    return batch


@transaction.atomic
def batch_choose_instrument(
    *,
    actor: User,
    batch: ImportBatch,
    instrument: Instrument,
    wave: Wave | None,
    missing_codes: list[str],
    create_participants: bool,
) -> ImportBatch:
    """Offer another questionnaire's questions, with a fresh guess from the headings; keep the other choices."""
    _require_choice(batch=batch, instrument=instrument, wave=wave)
    batch.instrument, batch.wave = instrument, wave
    batch.mapping = _without_identifiers(
        actor=actor, project=batch.project, mapping=suggest_mapping(headers=batch.headers, instrument=instrument)
    )
    batch.missing_codes = [m.strip() for m in missing_codes if m.strip()][:50]
    batch.create_participants = create_participants
    batch.save(update_fields=["instrument", "wave", "mapping", "missing_codes", "create_participants"])
    audit.record(
        action=AuditAction.CHANGED,
        obj=batch,
        actor=actor,
        changes={"questionnaire": ["", instrument.name], "wave": ["", wave.name if wave else ""]},
    )
    return batch


def _require_choice(*, batch: ImportBatch, instrument: Instrument, wave: Wave | None) -> None:
    """The batch may still change, and the questionnaire and wave chosen are this project's."""
    if batch.status not in EDITABLE:
        raise CollectionError("This import can no longer change")
    if instrument.project_id != batch.project_id or (wave is not None and wave.project_id != batch.project_id):
        raise CollectionError("Choose a questionnaire and a wave of this project")


def _plan(batch: ImportBatch) -> validation.Plan:
    if batch.instrument is None:
        raise CollectionError("Choose the questionnaire the answers belong to")
    return validation.make_plan(
        instrument=Instrument.objects.prefetch_related("items").get(pk=batch.instrument.pk),
        headers=batch.headers,
        mapping=batch.mapping,
        wave=batch.wave,
        missing_codes=batch.missing_codes,
        create_participants=batch.create_participants,
    )


@transaction.atomic
def batch_configure(
    *,
    actor: User,
    batch: ImportBatch,
    instrument: Instrument,
    wave: Wave | None,
    mapping: dict[str, str],
    missing_codes: list[str],
    create_participants: bool,
) -> ImportBatch:
    """Save what the columns are (and remember it for files with the same headings), then check the rows."""
    _require_choice(batch=batch, instrument=instrument, wave=wave)
    chosen = {h: mapping.get(h, "") for h in batch.headers}
    _require_identifiers(actor=actor, project=batch.project, mapping=chosen)
    batch.instrument, batch.wave = instrument, wave
    batch.mapping = chosen
    batch.missing_codes = [m.strip() for m in missing_codes if m.strip()][:50]
    batch.create_participants = create_participants
    problems = validation.plan_problems(_plan(batch))
    if problems:
        raise CollectionError(" ".join(problems))
    batch.status = ImportStatus.VALIDATING
    batch.rows_done = 0
    batch.attempt += 1
    batch.heartbeat_at = timezone.now()
    batch.save()
    ImportMapping.objects.update_or_create(
        project_id=batch.project_id,
        headers_key=headers_key(batch.headers),
        defaults={"mapping": batch.mapping, "missing_codes": batch.missing_codes, "saved_at": timezone.now()},
    )
    audit.record(action=AuditAction.CHANGED, obj=batch, actor=actor, changes={"columns": ["", "chosen"]})
    if batch.row_count > BACKGROUND_ROWS:
        # With the database backend the task row commits with this transaction, so no worker sees it early.
        check_import.enqueue(batch_id=batch.pk, attempt=batch.attempt)
    else:
        batch_check(batch=batch)
    return batch


def _mine(batch: ImportBatch, status: str) -> Any:
    """This batch, only while the work on it is still this worker's."""
    return ImportBatch.objects.filter(pk=batch.pk, attempt=batch.attempt, status=status)


def _progress(batch: ImportBatch, status: str) -> Callable[[int], None]:
    def report(done: int) -> None:
        if not _mine(batch, status).update(rows_done=done, heartbeat_at=timezone.now()):
            raise _GivenUp

    return report


def _preview(result: validation.Checked, plan: validation.Plan) -> dict[str, Any]:
    items = [(h, plan.items[t[5:]]) for _, h, t in plan.columns if t.startswith("item:")]
    waves = {w.pk: w.name for w in plan.waves.values()}
    known = {
        pk: (pseudonym, group)
        for pk, pseudonym, group in Participant.objects.filter(
            pk__in=[r.participant_id for r in result.rows[:PREVIEW_ROWS]]
        ).values_list("pk", "pseudonym", "group")
    }
    rows = []
    for row in result.rows[:PREVIEW_ROWS]:
        who, group = known.get(row.participant_id or 0, ("New participant", ""))
        # The group the participant will have: the one PINE knows, or the one the file fills in.
        group = row.group or group
        rows.append(
            [
                row.number,
                who,
                waves.get(row.wave_id, ""),
                Group(group).label if group else "Not given",
                *(shown(i, row.answers.get(i.code)) for _, i in items),
            ]
        )
    return {
        "columns": ["Row", "Participant", "Wave", "Group", *(i.code for _, i in items)],
        "rows": rows,
        "ready": len(result.rows),
    }


def batch_check(*, batch: ImportBatch) -> ImportBatch:
    """Check every row and keep the report and a preview. Nothing is stored."""
    try:
        plan = _plan(batch)
        sheet, rows = load_rows(batch)
        result = validation.validate(
            rows, plan, progress=_progress(batch, ImportStatus.VALIDATING), first_number=sheet.first_row
        )
    except _GivenUp:
        batch.refresh_from_db()
        return batch
    except (FileRefused, CollectionError) as problem:
        _mine(batch, ImportStatus.VALIDATING).update(status=ImportStatus.FAILED, message=str(problem))
        batch.refresh_from_db()
        return batch
    _mine(batch, ImportStatus.VALIDATING).update(
        problems=[p.as_dict() for p in result.problems],
        problem_count=result.problem_count,
        preview=_preview(result, plan),
        rows_done=batch.row_count,
        heartbeat_at=timezone.now(),
        message=f"{len(result.rows)} rows ready to import"
        + (f"; {result.blank_rows} blank rows skipped" if result.blank_rows else ""),
        status=ImportStatus.PROBLEMS if result.problem_count else ImportStatus.CHECKED,
    )
    batch.refresh_from_db()
    return batch


@task()
def check_import(*, batch_id: int, attempt: int | None = None) -> None:
    batch = ImportBatch.objects.select_related("wave", "project").get(pk=batch_id)
    if batch.status == ImportStatus.VALIDATING and attempt in (None, batch.attempt):
        batch_check(batch=batch)


def store_rows(
    *,
    rows: list[validation.Row],
    plan: validation.Plan,
    source: str,
    batch: ImportBatch | None = None,
    actor: Any = None,
    actor_label: str = "",
) -> tuple[int, int]:
    """Write checked rows: new participants first, then one response per row. Call inside a transaction."""
    new = {r.new_case_hash: r for r in rows if r.participant_id is None and r.new_case_hash}
    created: dict[str, int] = {}
    if new:
        people = []
        for pseudonym, (case_hash, row) in zip(new_pseudonyms(len(new)), new.items(), strict=True):
            people.append(
                Participant(
                    project_id=plan.project_id,
                    pseudonym=pseudonym,
                    group=row.group,
                    cluster=row.cluster,
                    consent=Consent.NOT_ASKED,
                    case_number=row.new_case_number,
                    case_number_hash=case_hash,
                )
            )
        Participant.objects.bulk_create(people, batch_size=INSERT_BATCH)
        created = dict(
            Participant.objects.filter(project_id=plan.project_id, case_number_hash__in=list(new)).values_list(
                "case_number_hash", "pk"
            )
        )
    # A group or team given in the file fills in one PINE did not have yet (it never overwrites one).
    for field in ("group", "cluster"):
        by_value: dict[str, list[int]] = {}
        for row in rows:
            if row.participant_id and getattr(row, field):
                by_value.setdefault(getattr(row, field), []).append(row.participant_id)
        for value, ids in by_value.items():
            for start in range(0, len(ids), 900):
                Participant.objects.filter(pk__in=ids[start : start + 900], **{field: ""}).update(**{field: value})
    now = timezone.now()
    responses = [
        Response(
            wave_id=row.wave_id,
            instrument=plan.instrument,
            participant_id=row.participant_id or created[row.new_case_hash],
            import_batch=batch,
            source=source,
            status=ResponseStatus.SUBMITTED,
            answers=row.answers,
            started_at=now,
            submitted_at=now,
        )
        for row in rows
    ]
    for start in range(0, len(responses), INSERT_BATCH):
        Response.objects.bulk_create(responses[start : start + INSERT_BATCH])
    audit.record(
        action=AuditAction.CREATED,
        obj=batch or plan.instrument,
        actor=actor,
        actor_label=actor_label,
        changes={"responses": [0, len(responses)], "participants": [0, len(new)]},
    )
    return len(responses), len(new)


def batch_commit(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Import the checked rows (in the background for a large file)."""
    _require_gate(batch.project)
    if batch.status != ImportStatus.CHECKED:
        raise CollectionError("Check the file and fix its problems before importing it")
    _require_identifiers(actor=actor, project=batch.project, mapping=batch.mapping)
    updated = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.COMMITTING, rows_done=0, attempt=F("attempt") + 1, heartbeat_at=timezone.now()
    )
    if not updated:  # someone pressed Import twice
        batch.refresh_from_db()
        return batch
    batch.refresh_from_db()
    _start_commit(batch=batch, actor=actor)
    batch.refresh_from_db()
    return batch


def _start_commit(*, batch: ImportBatch, actor: User) -> None:
    if batch.row_count > BACKGROUND_ROWS:
        commit_import.enqueue(batch_id=batch.pk, actor_id=actor.pk, attempt=batch.attempt)
    else:
        _commit(batch_id=batch.pk, actor=actor, attempt=batch.attempt)


def _commit(*, batch_id: int, actor: Any, attempt: int | None = None) -> None:
    batch = ImportBatch.objects.select_related("project", "wave").get(pk=batch_id)
    if batch.status != ImportStatus.COMMITTING or attempt not in (None, batch.attempt):
        return  # given up on (retried or discarded) before this worker started
    mine = _mine(batch, ImportStatus.COMMITTING)
    try:
        plan = _plan(batch)
        sheet, rows = load_rows(batch)
        result = validation.validate(
            rows, plan, progress=_progress(batch, ImportStatus.COMMITTING), first_number=sheet.first_row
        )
        if result.problem_count:
            mine.update(
                problems=[p.as_dict() for p in result.problems],
                problem_count=result.problem_count,
                status=ImportStatus.PROBLEMS,
                message="Something changed since the file was checked: nothing was imported. Fix these problems.",
            )
            return
        if not mine.update(heartbeat_at=timezone.now()):
            return
        with transaction.atomic():
            # Locked, and still this worker's: a Retry or Discard pressed meanwhile waits, or wins and nothing is
            # stored here.
            if not mine.select_for_update().exists():
                return
            # Lock the participants (in the order survey links and the API use), then make sure none of their
            # answers arrived since the file was checked: answers in PINE are never replaced, and two writers
            # never both store.
            survey.lock_participants(ids=[row.participant_id for row in result.rows if row.participant_id])
            if _answered_meanwhile(plan, result.rows):
                raise _AnsweredMeanwhile
            responses, participants = store_rows(
                rows=result.rows, plan=plan, source=ResponseSource.IMPORT, batch=batch, actor=actor
            )
            mine.update(
                status=ImportStatus.COMMITTED,
                committed_at=timezone.now(),
                stored_responses=responses,
                stored_participants=participants,
                rows_done=batch.row_count,
                stored_name="",
                message=f"{responses} response{'' if responses == 1 else 's'} imported"
                + (
                    f" and {participants} new participant{'' if participants == 1 else 's'} added"
                    if participants
                    else ""
                ),
            )
            name = batch.stored_name
            transaction.on_commit(lambda: _delete_file(name))
    except _GivenUp:
        return
    except _AnsweredMeanwhile:
        # Rare (answers came by link or API during the import): check the file again to say which rows.
        sheet, rows = load_rows(batch)
        result = validation.validate(rows, plan, first_number=sheet.first_row)
        mine.update(
            problems=[p.as_dict() for p in result.problems],
            problem_count=result.problem_count,
            status=ImportStatus.PROBLEMS,
            message="Answers arrived for some participants while the file was being imported: nothing was "
            "imported. Fix these problems.",
        )
    except (FileRefused, CollectionError) as problem:
        mine.update(status=ImportStatus.FAILED, message=f"Nothing was imported: {problem}")
    except Exception as failure:  # noqa: BLE001 - whatever went wrong, nothing was stored: say so, keep the file
        logger.exception("Import %s failed; the transaction was rolled back", batch.pk)
        mine.update(
            status=ImportStatus.FAILED,
            message="The import failed and nothing was stored. Try again; if it fails again, contact the PINE "
            f"team ({type(failure).__name__}).",
        )


@task()
def commit_import(*, batch_id: int, actor_id: int | None, attempt: int | None = None) -> None:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    _commit(batch_id=batch_id, actor=actor, attempt=attempt)


def _locked(batch: ImportBatch) -> ImportBatch:
    # Only the batch row is locked: its wave and instrument may be empty, and PostgreSQL cannot lock the empty
    # side of an outer join.
    locked = (
        ImportBatch.objects.select_for_update(of=("self",))
        .select_related("project", "wave", "instrument")
        .get(pk=batch.pk)
    )
    return locked


def batch_retry(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Start again the check or import of a batch whose worker died. Whatever it was doing stored nothing."""
    with transaction.atomic():
        locked = _locked(batch)
        if not locked.is_stalled:
            raise CollectionError("This import is not stuck: it has finished or is still working")
        if locked.status == ImportStatus.COMMITTING:
            _require_gate(locked.project)
        _require_identifiers(actor=actor, project=locked.project, mapping=locked.mapping)
        locked.attempt += 1
        locked.heartbeat_at = timezone.now()
        locked.rows_done = 0
        locked.message = ""
        locked.save(update_fields=["attempt", "heartbeat_at", "rows_done", "message"])
        audit.record(
            action=AuditAction.CHANGED,
            obj=locked,
            actor=actor,
            changes={"status": ["stopped", f"{locked.get_status_display().lower()} again"]},
        )
        if locked.status == ImportStatus.VALIDATING:
            if locked.row_count > BACKGROUND_ROWS:
                check_import.enqueue(batch_id=locked.pk, attempt=locked.attempt)
            else:
                batch_check(batch=locked)
    if locked.status == ImportStatus.COMMITTING:
        _start_commit(batch=locked, actor=actor)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def batch_discard(*, actor: User, batch: ImportBatch) -> None:
    """Drop an upload and delete its file; a stuck check or import can be discarded too (its worker stops)."""
    locked = _locked(batch)
    if locked.status in {ImportStatus.COMMITTED, ImportStatus.DISCARDED} or (
        locked.is_working and not locked.is_stalled
    ):
        raise CollectionError("This import cannot be discarded")
    name = locked.stored_name
    before = locked.get_status_display().lower()
    locked.status, locked.stored_name, locked.problems, locked.preview = ImportStatus.DISCARDED, "", [], {}
    locked.attempt += 1
    locked.save(update_fields=["status", "stored_name", "problems", "preview", "attempt"])
    transaction.on_commit(lambda: _delete_file(name))
    audit.record(action=AuditAction.CHANGED, obj=locked, actor=actor, changes={"status": [before, "discarded"]})
