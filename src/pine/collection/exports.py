"""Response downloads: CSV, XLSX and SPSS `.sav`, wide or long, with a data dictionary.

Built once as data (variables and rows), then written in each format. Pseudonymised unless the data protection
officer asks for identifiers. Spreadsheet cells that could run as formulas are neutralised (`core.exports`).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pine.collection import scoring
from pine.collection.models import (
    IDENTIFIER_FIELDS,
    Instrument,
    Item,
    ItemKind,
    Participant,
    Response,
    ResponseStatus,
    Wave,
)
from pine.core.exports import xlsx_cell
from pine.journey.models import Project

IDENTIFIER_LABELS = {
    "name": "Full name",
    "email": "Email address",
    "date_of_birth": "Date of birth",
    "case_number": "Case number",
}


@dataclass
class Variable:
    name: str
    label: str
    kind: str  # "numeric" or "string"
    values: dict[int, str] = field(default_factory=dict)
    notes: str = ""


@dataclass
class Column:
    """How one exported column gets its value from a response."""

    variable: Variable
    code: str = ""  # the item's code, or a score's code
    option: int | None = None  # for a multiple-choice item: this option's number (1 when chosen, else 0)
    score: bool = False


@dataclass
class Dataset:
    variables: list[Variable]
    rows: list[list[Any]]


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")
    return (slug if slug[:1].isalpha() else f"q_{slug}")[:10].rstrip("_")


def _families(project: Project) -> list[tuple[Instrument, list[Item], list[scoring.Rule], str]]:
    """Each questionnaire (all versions together, described by its newest), its items, scores and prefix."""
    latest: dict[Any, Instrument] = {}
    for instrument in Instrument.objects.filter(project=project).prefetch_related("items", "subscales__items"):
        if instrument.family not in latest or instrument.version > latest[instrument.family].version:
            latest[instrument.family] = instrument
    families = sorted(latest.values(), key=lambda i: (i.name, i.pk))
    prefixes = [_slug(i.name) + "_" for i in families] if len(families) > 1 else [""] * len(families)
    return [
        (i, list(i.items.all()), scoring.rules_for(i), prefix) for i, prefix in zip(families, prefixes, strict=True)
    ]


def _columns(prefix: str, items: list[Item], rules: list[scoring.Rule], wave: Wave | None) -> list[Column]:
    head = f"{wave.code}_" if wave is not None else ""
    when = f" ({wave.name})" if wave is not None else ""
    columns: list[Column] = []
    for item in items:
        name = f"{head}{prefix}{item.code}"
        if item.kind == ItemKind.MULTIPLE:
            for number, label in item.value_labels().items():
                variable = Variable(
                    f"{name}_{number}", f"{item.text[:180]}: {label}{when}", "numeric", {1: "Chosen", 0: "Not chosen"}
                )
                columns.append(Column(variable, item.code, option=number))
            continue
        numeric = item.kind in {ItemKind.LIKERT, ItemKind.SINGLE, ItemKind.YES_NO, ItemKind.NUMBER}
        notes = "Reverse scored in the score" if item.reverse_scored else ""
        if item.kind == ItemKind.DATE:
            notes = "Date as YYYY-MM-DD"
        columns.append(
            Column(
                Variable(
                    name, f"{item.text[:200]}{when}", "numeric" if numeric else "string", item.value_labels(), notes
                ),
                item.code,
            )
        )
    by_code = {i.code: i for i in items}
    for rule in rules:
        variable = Variable(
            f"{head}{prefix}score_{rule.code}",
            f"Score: {rule.label}{when}",
            "numeric",
            notes=scoring.describe(rule, by_code),
        )
        columns.append(Column(variable, rule.code, score=True))
    return columns


def _value(column: Column, answers: dict[str, Any], scores: dict[str, Any]) -> Any:
    if column.score:
        score = scores.get(column.code)
        return int(score) if isinstance(score, float) and score.is_integer() else score
    value = answers.get(column.code)
    if column.option is not None:
        return None if value is None else int(column.option in value)
    return value


def build(*, project: Project, layout: str, identifiable: bool = False) -> Dataset:
    """The project's submitted responses as one table, and the variables that describe its columns."""
    families = _families(project)
    family_of = {i.pk: i.family for i in Instrument.objects.filter(project=project)}
    waves = list(Wave.objects.filter(project=project).prefetch_related("instruments").order_by("position"))
    wave_families = {w.pk: {i.family for i in w.instruments.all()} for w in waves}
    base = [
        Variable("participant", "Participant (pseudonym, or A- for an anonymous respondent)", "string"),
        Variable("group", "Group", "string"),
        Variable("cluster", "Team or site", "string"),
    ]
    if identifiable:
        base += [Variable(name, IDENTIFIER_LABELS[name], "string") for name in IDENTIFIER_FIELDS]
    people = {p.pk: p for p in Participant.objects.filter(project=project)}
    # (respondent, wave) -> family -> (answers, scores)
    found: dict[tuple[Any, int], dict[Any, tuple[dict[str, Any], dict[str, Any]]]] = defaultdict(dict)
    rules_by_family = {i.family: (rules, {it.code: it for it in items}) for i, items, rules, _ in families}
    anonymous: dict[str, str] = {}
    responses = Response.objects.filter(wave__project=project, status=ResponseStatus.SUBMITTED).values_list(
        "participant_id", "respondent_key", "wave_id", "instrument_id", "answers"
    )
    for pid, key, wave_id, instrument_id, answers in responses.iterator(chunk_size=5000):
        who: Any = pid if pid is not None else anonymous.setdefault(key, f"A-{len(anonymous) + 1}")
        family = family_of[instrument_id]
        rules, items = rules_by_family[family]
        found[(who, wave_id)][family] = (answers, scoring.scores(rules, items, answers))

    def person(who: Any) -> list[Any]:
        participant = people.get(who) if isinstance(who, int) else None
        if participant is None:
            cells = [who, "", ""]
            return cells + [""] * len(IDENTIFIER_FIELDS) if identifiable else cells
        cells = [participant.pseudonym, participant.get_group_display(), participant.cluster]
        if identifiable:
            cells += [getattr(participant, name) for name in IDENTIFIER_FIELDS]
        return cells

    rows: list[list[Any]] = []
    if layout == "long":
        per_family = [(i.family, _columns(prefix, items, rules, None)) for i, items, rules, prefix in families]
        variables = [*base, Variable("wave", "Wave", "string")] + [c.variable for _, cols in per_family for c in cols]
        wave_names = {w.pk: w.code for w in waves}
        order = {w.pk: n for n, w in enumerate(waves)}
        for (who, wave_id), by_family in sorted(
            found.items(), key=lambda kv: (_sort_key(kv[0][0], people), order[kv[0][1]])
        ):
            row = [*person(who), wave_names[wave_id]]
            for family, cols in per_family:
                answers, scores = by_family.get(family, ({}, {}))
                row += [_value(c, answers, scores) for c in cols]
            rows.append(row)
        return Dataset(variables, rows)

    wave_columns = [
        (w.pk, i.family, _columns(prefix, items, rules, w))
        for w in waves
        for i, items, rules, prefix in families
        if i.family in wave_families[w.pk]
    ]
    variables = base + [c.variable for _, _, cols in wave_columns for c in cols]
    everyone = sorted({who for who, _ in found}, key=lambda who: _sort_key(who, people))
    for who in everyone:
        row = person(who)
        for wave_id, family, cols in wave_columns:
            answers, scores = found.get((who, wave_id), {}).get(family, ({}, {}))
            row += [_value(c, answers, scores) for c in cols]
        rows.append(row)
    return Dataset(variables, rows)


def _sort_key(who: Any, people: dict[int, Participant]) -> tuple[int, str]:
    if isinstance(who, int) and who in people:
        return (0, people[who].pseudonym)
    return (1, f"{str(who):>12}")


def dictionary(dataset: Dataset) -> list[list[Any]]:
    rows: list[list[Any]] = [["Variable", "Label", "Type", "Values", "Notes and scoring"]]
    for v in dataset.variables:
        values = "; ".join(f"{number} = {label}" for number, label in v.values.items())
        rows.append([v.name, v.label, v.kind, values, v.notes])
    return rows


def as_csv_rows(dataset: Dataset) -> list[list[Any]]:
    return [[v.name for v in dataset.variables], *([_blank(c) for c in row] for row in dataset.rows)]


def _blank(value: Any) -> Any:
    return "" if value is None else value


def as_xlsx(dataset: Dataset) -> bytes:
    from openpyxl import Workbook  # imported when needed: it is slow to load, and most pages never need it

    workbook = Workbook(write_only=True)
    for title, table in (("Responses", as_csv_rows(dataset)), ("Data dictionary", dictionary(dataset))):
        sheet = workbook.create_sheet(title=title)
        for row in table:
            sheet.append([xlsx_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_sav(dataset: Dataset) -> bytes:
    """SPSS with variable labels and value labels (pyreadstat writes only to a file, so through a temporary one)."""
    import pandas as pd
    import pyreadstat

    columns: dict[str, Any] = {}
    for index, variable in enumerate(dataset.variables):
        values = [row[index] for row in dataset.rows]
        if variable.kind == "numeric":
            columns[variable.name] = pd.Series([float(v) if v is not None else None for v in values], dtype="float64")
        else:
            columns[variable.name] = pd.Series(["" if v is None else str(v) for v in values], dtype="object")
    frame = pd.DataFrame(columns, columns=[v.name for v in dataset.variables])
    labels: dict[str, str | None] = {v.name: v.label[:250] for v in dataset.variables}
    value_labels = {
        v.name: {float(k): text[:120] for k, text in v.values.items()} for v in dataset.variables if v.values
    }
    handle, path = tempfile.mkstemp(suffix=".sav")
    os.close(handle)
    try:
        pyreadstat.write_sav(frame, path, column_labels=labels, variable_value_labels=value_labels)
        with open(path, "rb") as saved:
            return saved.read()
    finally:
        os.unlink(path)
