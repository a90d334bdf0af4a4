"""What stage 5 asks of a project, registered with the journey: tasks with their status and agenda lines."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from pine.collection.models import ImportBatch, ImportStatus, Instrument, Participant, ResponseStatus, Wave
from pine.journey.models import ProjectStage
from pine.journey.registry import StageState, StageTask, TaskStatus, register

STAGE = 5


def _home(stage: ProjectStage) -> str:
    return reverse("collection:home", kwargs={"pk": stage.project_id})


def _participants_url(stage: ProjectStage) -> str:
    return reverse("collection:participants", kwargs={"pk": stage.project_id})


def _imports_url(stage: ProjectStage) -> str:
    return reverse("collection:imports", kwargs={"pk": stage.project_id})


def _instruments_status(state: StageState) -> TaskStatus:
    counts = Instrument.objects.filter(project_id=state.stage.project_id).aggregate(
        all=Count("pk", distinct=True), with_items=Count("pk", filter=Q(items__isnull=False), distinct=True)
    )
    if not counts["all"]:
        return TaskStatus.NOT_STARTED
    return TaskStatus.COMPLETED if counts["with_items"] == counts["all"] else TaskStatus.IN_PROGRESS


def _instruments_agenda(state: StageState) -> list[str]:
    rows = Instrument.objects.filter(project_id=state.stage.project_id).annotate(n=Count("items"))
    if not rows:
        return ["No questionnaires have been set up in PINE."]
    return ["Questionnaires: " + "; ".join(f"{i.name} (version {i.version}, {i.n} questions)" for i in rows) + "."]


def _participants_status(state: StageState) -> TaskStatus:
    project_id = state.stage.project_id
    has_people = Participant.objects.filter(project_id=project_id).exists()
    has_waves = Wave.objects.filter(project_id=project_id).exists()
    if has_people and has_waves:
        return TaskStatus.COMPLETED
    return TaskStatus.IN_PROGRESS if has_people or has_waves else TaskStatus.NOT_STARTED


def _participants_agenda(state: StageState) -> list[str]:
    counts = Participant.objects.filter(project_id=state.stage.project_id).aggregate(
        total=Count("pk"),
        intervention=Count("pk", filter=Q(group="intervention")),
        comparison=Count("pk", filter=Q(group="comparison")),
    )
    if not counts["total"]:
        return []
    return [
        f"Participants: {counts['total']} ({counts['intervention']} intervention, {counts['comparison']} comparison)."
    ]


def _responses_status(state: StageState) -> TaskStatus:
    waves = list(Wave.objects.filter(project_id=state.stage.project_id))
    if not any(w.opened_at for w in waves):
        return TaskStatus.NOT_STARTED
    return TaskStatus.COMPLETED if all(w.status == "Closed" for w in waves) else TaskStatus.IN_PROGRESS


def _responses_agenda(state: StageState) -> list[str]:
    lines = []
    people = Participant.objects.filter(project_id=state.stage.project_id).count()
    waves = Wave.objects.filter(project_id=state.stage.project_id).annotate(
        answered=Count(
            "responses__participant",
            filter=Q(responses__status=ResponseStatus.SUBMITTED, responses__participant__isnull=False),
            distinct=True,
        )
    )
    for wave in waves:
        rate = f" ({round(100 * wave.answered / people)}%)" if people else ""
        lines.append(f"{wave.name} ({wave.status.lower()}): {wave.answered} of {people} participants answered{rate}.")
    return lines


def _imports_status(state: StageState) -> TaskStatus:
    batches = ImportBatch.objects.filter(project_id=state.stage.project_id)
    if batches.filter(status=ImportStatus.COMMITTED).exists():
        return TaskStatus.COMPLETED
    return TaskStatus.IN_PROGRESS if batches.exists() else TaskStatus.NOT_STARTED


def _imports_agenda(state: StageState) -> list[str]:
    done = ImportBatch.objects.filter(project_id=state.stage.project_id, status=ImportStatus.COMMITTED)
    if not done:
        return []
    total = sum(b.stored_responses for b in done)
    return [f"Imported files: {len(done)}, with {total} responses."]


register(
    StageTask(
        STAGE, "questionnaires", "Set up your questionnaires", _instruments_status, _home, _instruments_agenda, order=20
    )
)
register(
    StageTask(
        STAGE,
        "participants-and-waves",
        "Add participants and waves",
        _participants_status,
        _participants_url,
        _participants_agenda,
        order=30,
    )
)
register(StageTask(STAGE, "responses", "Collect responses", _responses_status, _home, _responses_agenda, order=40))
register(
    StageTask(
        STAGE, "imports", "Bring in data you already hold", _imports_status, _imports_url, _imports_agenda, order=50
    )
)
