"""Snapshots of a theory of change or a plan, their content hash, and the differences between two snapshots.

A snapshot is plain JSON, complete in itself (texts and labels, not just codes), so a registered plan reads the
same years later whatever happens to the live rows or the vocabulary.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from pine.modelling.models import (
    DataSource,
    Design,
    ElementKind,
    EvaluationPlan,
    Reporter,
    TheoryOfChange,
    TimePoint,
)
from pine.modelling.vocabulary import METHODS, Groups

# Snapshots


def toc_snapshot(toc: TheoryOfChange) -> dict[str, Any]:
    elements = sorted(toc.elements.all(), key=lambda e: (ElementKind.values.index(e.kind), e.position, e.pk))
    return {
        "elements": [{"id": e.pk, "kind": e.kind, "text": e.text} for e in elements],
        "links": [{"source": link.source_id, "target": link.target_id} for link in toc.links.all()],
    }


def _labels(values: list[str], choices: Any) -> list[str]:
    return [choices(v).label for v in values if v in choices.values]


def plan_snapshot(plan: EvaluationPlan) -> dict[str, Any]:
    outcomes = list(plan.outcomes.select_related("outcome", "measure"))
    return {
        "design": {
            "design": Design(plan.design).label if plan.design else "",
            "mixed_quantitative_design": (
                Design(plan.mixed_quantitative_design).label if plan.mixed_quantitative_design else ""
            ),
            "design_reasons": plan.design_reasons,
        },
        "participants": {
            "participants": plan.participants,
            "comparison_group": plan.comparison_group,
            "sample_size_intervention": plan.sample_size_intervention,
            "sample_size_comparison": plan.sample_size_comparison,
            "sample_size_basis": plan.sample_size_basis,
        },
        "data_sources": {
            "data_sources": _labels(plan.data_sources, DataSource),
            "data_sources_detail": plan.data_sources_detail,
        },
        "sharing": {"sharing": plan.sharing},
        "questions": [
            {"id": q.pk, "text": q.text, "outcomes": sorted(o.text for o in q.outcomes.all())}
            for q in plan.questions.prefetch_related("outcomes")
        ],
        "outcomes": [
            {
                "id": o.pk,
                "outcome": o.outcome.text,
                "measure": o.measure.name,
                "reported_by": Reporter(o.reported_by).label,
                "time_points": _labels(o.time_points, TimePoint),
                "scoring": o.scoring,
            }
            for o in outcomes
        ],
        "analyses": [
            {
                "id": a.pk,
                "question": a.question.text,
                "outcome": f"{a.outcome.outcome.text} ({a.outcome.measure.name})" if a.outcome else "",
                "method": a.method,
                "method_label": METHODS[a.method].label if a.method in METHODS else a.method,
                "groups": dict(Groups.CHOICES).get(a.groups, a.groups),
                "time_points": _labels(a.time_points, TimePoint),
                "notes": a.notes,
            }
            for a in plan.analyses.select_related("question", "outcome__outcome", "outcome__measure")
        ],
        "timeline": [{"id": m.pk, "due": m.due.isoformat(), "what": m.what} for m in plan.milestones.all()],
        "risks": [{"id": r.pk, "risk": r.risk, "mitigation": r.mitigation} for r in plan.risks.all()],
    }


def content_hash(snapshot: dict[str, Any]) -> str:
    """SHA-256 of the snapshot's canonical JSON: the same plan always gives the same hash."""
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Differences

SECTION_TITLES = {
    "design": "Design",
    "participants": "Participants and sample size",
    "data_sources": "Data sources",
    "sharing": "Sharing the findings",
    "questions": "Evaluation questions",
    "outcomes": "Outcomes to measure",
    "analyses": "Analysis plan",
    "timeline": "Timeline",
    "risks": "Risks and mitigations",
}
FIELD_LABELS = {
    "design": "Design",
    "mixed_quantitative_design": "Design of the numbers part",
    "design_reasons": "Reasons for the design",
    "participants": "Participants",
    "comparison_group": "Comparison group",
    "sample_size_intervention": "Sample size, intervention group",
    "sample_size_comparison": "Sample size, comparison group",
    "sample_size_basis": "How the sample size was worked out",
    "data_sources": "Data sources",
    "data_sources_detail": "More about the data",
    "sharing": "How findings will be shared",
    "text": "Question",
    "outcomes": "Outcomes",
    "outcome": "Outcome",
    "measure": "Measure",
    "reported_by": "Who reports it",
    "time_points": "When",
    "scoring": "Scoring",
    "question": "Question",
    "method_label": "Analysis",
    "groups": "Groups",
    "notes": "Notes",
    "due": "Date",
    "what": "Milestone",
    "risk": "Risk",
    "mitigation": "Mitigation",
}
ITEM_NAME = {
    "questions": "text",
    "outcomes": "outcome",
    "analyses": "question",
    "timeline": "what",
    "risks": "risk",
}
HIDDEN_FIELDS = {"id", "method"}


def _show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(none)"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class Change:
    section: str
    kind: str  # "added", "removed" or "changed"
    item: str
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def section_title(self) -> str:
        return SECTION_TITLES.get(self.section, self.section)


def plan_differences(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every difference between two plan snapshots, section by section, in plain words."""
    changes: list[Change] = []
    for section in SECTION_TITLES:
        before, after = old.get(section), new.get(section)
        if isinstance(after, dict) or isinstance(before, dict):
            before, after = before or {}, after or {}
            fields = [
                FieldChange(FIELD_LABELS.get(name, name), _show(before.get(name)), _show(after.get(name)))
                for name in dict.fromkeys([*before, *after])
                if before.get(name) != after.get(name)
            ]
            if fields:
                changes.append(Change(section, "changed", SECTION_TITLES[section], fields))
            continue
        old_items = {item["id"]: item for item in before or []}
        new_items = {item["id"]: item for item in after or []}
        name = ITEM_NAME[section]
        for key, item in old_items.items():
            if key not in new_items:
                changes.append(Change(section, "removed", _show(item.get(name))))
        for key, item in new_items.items():
            if key not in old_items:
                changes.append(Change(section, "added", _show(item.get(name))))
                continue
            was = old_items[key]
            fields = [
                FieldChange(FIELD_LABELS.get(f, f), _show(was.get(f)), _show(item.get(f)))
                for f in dict.fromkeys([*was, *item])
                if f not in HIDDEN_FIELDS and was.get(f) != item.get(f)
            ]
            if fields:
                changes.append(Change(section, "changed", _show(was.get(name)), fields))
    return changes


@dataclass(frozen=True)
class CompareRow:
    before: str | None
    after: str | None

    @property
    def status(self) -> str:
        if self.before is None:
            return "Added"
        if self.after is None:
            return "Removed"
        return "Same" if self.before == self.after else "Changed"


@dataclass(frozen=True)
class CompareGroup:
    title: str
    rows: list[CompareRow]

    @property
    def changed(self) -> int:
        return sum(1 for row in self.rows if row.status != "Same")


def toc_comparison(old: dict[str, Any], new: dict[str, Any]) -> list[CompareGroup]:
    """Two theory of change versions side by side: each part's elements, matched by identity, and the links."""
    groups = []
    old_elements = {e["id"]: e for e in old.get("elements", [])}
    new_elements = {e["id"]: e for e in new.get("elements", [])}
    for kind in ElementKind:
        ids = [e["id"] for e in old.get("elements", []) if e["kind"] == kind]
        ids += [e["id"] for e in new.get("elements", []) if e["kind"] == kind and e["id"] not in ids]
        rows = []
        for key in ids:
            was = old_elements.get(key)
            now = new_elements.get(key)
            rows.append(
                CompareRow(
                    was["text"] if was and was["kind"] == kind else None,
                    now["text"] if now and now["kind"] == kind else None,
                )
            )
        if rows:
            groups.append(CompareGroup(kind.label, rows))

    def link_texts(snapshot: dict[str, Any], elements: dict[int, Any]) -> list[str]:
        return [
            f"{elements[link['source']]['text']} → {elements[link['target']]['text']}"
            for link in snapshot.get("links", [])
            if link["source"] in elements and link["target"] in elements
        ]

    old_links = link_texts(old, old_elements)
    new_links = link_texts(new, new_elements)
    rows = [CompareRow(text, text if text in new_links else None) for text in old_links]
    rows += [CompareRow(None, text) for text in new_links if text not in old_links]
    if rows:
        groups.append(CompareGroup("Links", rows))
    return groups
