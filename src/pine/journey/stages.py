"""The eight stages of a project's journey, as the programme defines them (DESIGN.md, "The journey")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StageDefinition:
    number: int
    slug: str
    title: str
    produces: str
    checkpoint_decides: str
    has_checkpoint: bool = True
    # Whose judgement the checkpoint is: "" for either assigned adviser, or one adviser's role.
    decided_by: str = ""

    @property
    def guidance_slug(self) -> str:
        """The name of the stage's guidance file in `pine/guidance/content/`, without `.md`."""
        return f"{self.number:02d}-{self.slug}"


STAGES: tuple[StageDefinition, ...] = (
    StageDefinition(
        1,
        "initial-consultation",
        "Initial consultation",
        "agreed scope, advisers assigned",
        "whether the project joins the programme",
    ),
    StageDefinition(
        2,
        "describe-your-intervention",
        "Describe your intervention",
        "a theory of change (diagram and text)",
        "whether the model is clear enough to plan",
    ),
    StageDefinition(
        3,
        "plan-your-evaluation",
        "Plan your evaluation",
        "questions, outcomes, measures, design, sample size and analysis plan; a registered version",
        "whether the plan is sound",
        # Whether a plan is sound is a research judgement, and this decision registers the plan.
        decided_by="research_adviser",
    ),
    StageDefinition(
        4,
        "data-protection-and-ethics",
        "Data protection and ethics",
        "DPIA screening or full DPIA, lawful basis, consent materials, ethics review",
        "whether it is safe to collect data",
    ),
    StageDefinition(
        5,
        "collect-your-data",
        "Collect your data",
        "questionnaires, waves, survey links and imports in PINE, and any interview transcripts (kept outside PINE "
        "for now, where your DPIA says)",
        "whether there is enough data, of good quality",
    ),
    StageDefinition(
        6,
        "analyse-your-data",
        "Analyse your data",
        "planned analyses run, qualitative coding and themes",
        "whether the findings are supported",
    ),
    StageDefinition(
        7,
        "summarise-and-report",
        "Summarise and report",
        "a report draft, review comments addressed",
        "whether the report is ready",
    ),
    StageDefinition(
        8, "publish", "Publish", "the approved report, published by the programme team", "", has_checkpoint=False
    ),
)
BY_NUMBER = {stage.number: stage for stage in STAGES}
FIRST, LAST = STAGES[0].number, STAGES[-1].number
DATA_PROTECTION_STAGE = 4
REPORT_STAGE = 7


def stage(number: int) -> StageDefinition:
    return BY_NUMBER[number]
