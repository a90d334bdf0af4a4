"""Checking imported rows against a questionnaire, before anything is stored.

The same checks serve file imports and the API. Each column is compiled once into a converter, so checking a
100,000-row file costs one dictionary look-up for most cells. Every problem is reported with its row, column,
value and what is wrong; identifying values (case numbers) are never echoed back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pine.collection.models import Group, Instrument, Item, Participant, Response, Wave
from pine.collection.validation_cells import CellProblem, _converter, _text, check_text
from pine.core import crypto
from pine.core import text as text_rule

PARTICIPANT, CASE_NUMBER, WAVE, GROUP, CLUSTER = "participant", "case_number", "wave", "group", "cluster"
TARGETS = {
    PARTICIPANT: "Participant (PINE pseudonym)",
    CASE_NUMBER: "Participant (case number, matched privately)",
    WAVE: "Wave",
    GROUP: "Group (intervention or comparison)",
    CLUSTER: "Team or site",
}
# Targets that match rows on who a person is: choosing them needs the right to see identifiers.
IDENTIFYING = frozenset({CASE_NUMBER})
PROBLEMS_KEPT = 500
CASE_NUMBER_UNREADABLE = "contains a line break or invisible control characters: type the case number again"
GROUP_WORDS = {
    "intervention": Group.INTERVENTION,
    "i": Group.INTERVENTION,
    "treatment": Group.INTERVENTION,
    "comparison": Group.COMPARISON,
    "c": Group.COMPARISON,
    "control": Group.COMPARISON,
}


@dataclass
class Problem:
    row: int
    column: str
    value: str
    problem: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "problem": self.problem}


@dataclass
class Plan:
    """What a file's columns mean for one questionnaire: compiled once, used for every row."""

    project_id: int
    instrument: Instrument
    items: dict[str, Item]
    columns: list[tuple[int, str, str]]  # (index, header, target)
    wave: Wave | None
    waves: dict[str, Wave]
    missing: set[str]
    create_participants: bool = False


@dataclass
class Row:
    number: int
    participant_id: int | None
    new_case_hash: str
    new_case_number: str
    wave_id: int
    group: str
    cluster: str
    answers: dict[str, Any]


@dataclass
class Checked:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    blank_rows: int = 0

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(problem)


def make_plan(
    *,
    instrument: Instrument,
    headers: list[str],
    mapping: dict[str, str],
    wave: Wave | None,
    missing_codes: Iterable[str],
    create_participants: bool = False,
) -> Plan:
    items = {i.code: i for i in instrument.items.all()}
    columns = []
    for index, header in enumerate(headers):
        target = mapping.get(header, "")
        if target in TARGETS or (target.startswith("item:") and target[5:] in items):
            columns.append((index, header, target))
    waves = {}
    for w in Wave.objects.filter(project_id=instrument.project_id):
        waves[w.code.casefold()] = w
        waves[w.name.casefold()] = w
    return Plan(
        project_id=instrument.project_id,
        instrument=instrument,
        items=items,
        columns=columns,
        wave=wave,
        waves=waves,
        missing={m.strip().casefold() for m in missing_codes if m.strip()},
        create_participants=create_participants,
    )


def plan_problems(plan: Plan) -> list[str]:
    """What is missing from the column choices before any row can be checked."""
    targets = [t for _, _, t in plan.columns]
    problems = []
    if PARTICIPANT not in targets and CASE_NUMBER not in targets:
        problems.append("Choose the column that says who each row is about (pseudonym or case number)")
    if PARTICIPANT in targets and CASE_NUMBER in targets:
        problems.append("Choose either a pseudonym column or a case number column to match participants, not both")
    if plan.wave is None and WAVE not in targets:
        problems.append("Choose the wave these answers belong to, or the column that says which wave")
    if not any(t.startswith("item:") for t in targets):
        problems.append("Choose at least one column that holds answers to the questionnaire's questions")
    for target in {PARTICIPANT, CASE_NUMBER, WAVE, GROUP, CLUSTER}:
        if targets.count(target) > 1:
            problems.append(f"Only one column can be the {TARGETS[target].lower()}")
    duplicates = sorted({t[5:] for t in targets if t.startswith("item:") and targets.count(t) > 1})
    if duplicates:
        problems.append(f"Only one column can hold the answers to {', '.join(duplicates)}")
    return problems


# Rows


def _shown_value(target: str, cell: Any) -> str:
    if target == CASE_NUMBER:
        return "(hidden: an identifier)"
    value = _text(cell)
    return value if len(value) <= 60 else value[:57] + "…"


def validate(
    rows: Iterable[list[Any]],
    plan: Plan,
    *,
    progress: Callable[[int], None] | None = None,
    every: int = 5000,
    first_number: int = 2,
) -> Checked:
    """Check every row; return what would be stored and every problem found. Nothing is written."""
    result = Checked()
    pseudonyms: dict[str, tuple[int, str, str]] = {}
    by_case: dict[str, tuple[int, str, str]] = {}
    targets = {t: (i, h) for i, h, t in plan.columns if not t.startswith("item:")}
    for pk, pseudonym, group, cluster, case_hash in Participant.objects.filter(project_id=plan.project_id).values_list(
        "pk", "pseudonym", "group", "cluster", "case_number_hash"
    ):
        pseudonyms[pseudonym.casefold()] = (pk, group, cluster)
        if case_hash:
            by_case[case_hash] = (pk, group, cluster)
    answered = set(
        Response.objects.filter(instrument__family=plan.instrument.family, wave__project_id=plan.project_id)
        .exclude(participant__isnull=True)
        .values_list("participant_id", "wave_id")
    )
    seen: dict[tuple[Any, int], int] = {}
    converters = [
        (i, h, plan.items[t[5:]], _converter(plan.items[t[5:]])) for i, h, t in plan.columns if t.startswith("item:")
    ]
    missing = plan.missing
    add = result.add
    offset = -1

    for offset, row in enumerate(rows):
        number = offset + first_number  # the spreadsheet's own row number
        if progress is not None and offset and offset % every == 0:
            progress(offset)
        if all(c is None for c in row):
            result.blank_rows += 1
            continue
        problems_before = result.problem_count

        # Who the row is about.
        participant_id: int | None = None
        known_group = known_cluster = ""
        new_hash = new_case = ""
        key: Any = None
        if PARTICIPANT in targets:
            index, header = targets[PARTICIPANT]
            cell = row[index]
            if cell is None:
                add(Problem(number, header, "", "no participant: every row needs a pseudonym"))
            else:
                found = pseudonyms.get(_text(cell).casefold())
                if found is None:
                    add(
                        Problem(
                            number,
                            header,
                            _shown_value(PARTICIPANT, cell),
                            "unknown participant: no one in this project has this pseudonym",
                        )
                    )
                else:
                    participant_id, known_group, known_cluster = found
                    key = participant_id
        elif CASE_NUMBER in targets:
            index, header = targets[CASE_NUMBER]
            cell = row[index]
            if cell is None:
                add(Problem(number, header, "", "no case number: every row needs one"))
            else:
                case_hash = crypto.blind_index(_text(cell))
                found = by_case.get(case_hash)
                if found is not None:
                    participant_id, known_group, known_cluster = found
                    key = participant_id
                elif plan.create_participants and text_rule.problem(_text(cell), multiline=False):
                    add(Problem(number, header, _shown_value(CASE_NUMBER, cell), CASE_NUMBER_UNREADABLE))
                elif plan.create_participants:
                    new_hash, new_case, key = case_hash, _text(cell), ("new", case_hash)
                else:
                    add(
                        Problem(
                            number,
                            header,
                            _shown_value(CASE_NUMBER, cell),
                            "unknown participant: no one in this project has this case number",
                        )
                    )

        # Which wave.
        wave = plan.wave
        if WAVE in targets:
            index, header = targets[WAVE]
            cell = row[index]
            if cell is not None:
                wave = plan.waves.get(_text(cell).casefold())
                if wave is None:
                    add(
                        Problem(
                            number, header, _shown_value(WAVE, cell), "unknown wave: use a wave's name or short name"
                        )
                    )
            elif wave is None:
                add(Problem(number, header, "", "no wave given"))

        group = cluster = ""
        if GROUP in targets:
            index, header = targets[GROUP]
            cell = row[index]
            if cell is not None and _text(cell).casefold() not in missing:
                group = GROUP_WORDS.get(_text(cell).casefold(), "")
                if not group:
                    add(
                        Problem(
                            number, header, _shown_value(GROUP, cell), "not a group: use intervention or comparison"
                        )
                    )
                elif known_group and group != known_group:
                    add(
                        Problem(
                            number,
                            header,
                            _shown_value(GROUP, cell),
                            f"differs from this participant's group in PINE ({known_group})",
                        )
                    )
        if CLUSTER in targets:
            index, header = targets[CLUSTER]
            cell = row[index]
            if cell is not None:
                cluster = _text(cell)[:100]
                try:
                    check_text(cluster)
                except CellProblem as problem:
                    add(Problem(number, header, _shown_value(CLUSTER, cell), str(problem)))

        # The answers.
        answers: dict[str, Any] = {}
        for index, header, item, convert in converters:
            cell = row[index]
            if cell is None:
                continue
            if isinstance(cell, str) and cell.casefold() in missing:
                continue
            try:
                answers[item.code] = convert(cell)
            except CellProblem as problem:
                add(Problem(number, header, _shown_value("", cell), str(problem)))

        # Once per participant and wave.
        if key is not None and wave is not None:
            previous = seen.get((key, wave.pk))
            if previous is not None:
                add(
                    Problem(
                        number,
                        "",
                        "",
                        f"duplicate: row {previous} has answers from the same participant for {wave.name}",
                    )
                )
            else:
                seen[(key, wave.pk)] = number
                if participant_id is not None and (participant_id, wave.pk) in answered:
                    add(
                        Problem(
                            number, "", "", f"duplicate: PINE already has this participant's answers for {wave.name}"
                        )
                    )
        if result.problem_count == problems_before and wave is not None and (participant_id or new_hash):
            result.rows.append(
                Row(
                    number,
                    participant_id,
                    new_hash,
                    new_case,
                    wave.pk,
                    group if group and not known_group else "",
                    cluster if cluster and not known_cluster else "",
                    answers,
                )
            )
    if progress is not None:
        progress(offset + 1)
    return result
