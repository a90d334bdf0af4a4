"""The programme's starting priorities (the migration seeds the same list; this restores it where needed)."""

from __future__ import annotations

from pine.programme.models import Priority

PRIORITIES = [
    (
        "The children's social care workforce",
        "Recruiting, keeping and developing social workers and other "
        "practitioners: supervision, caseloads, wellbeing, learning and practice culture.",
    ),
    (
        "Children and young people's mental health",
        "Supporting the mental health and emotional wellbeing of "
        "children and young people in contact with children's social care.",
    ),
    (
        "Residential care",
        "Improving the experiences and outcomes of children living in children's homes and other residential settings.",
    ),
    (
        "Domestic abuse",
        "Protecting and supporting children and families affected by domestic abuse, including work "
        "with people who harm.",
    ),
    (
        "Risk and decision-making",
        "How practitioners and organisations assess risk and make decisions about children's safety and care.",
    ),
    (
        "Safeguarding children under one from non-accidental injury by male carers",
        "The programme's special "
        "interest: preventing serious harm to babies, including by engaging fathers and other male carers.",
    ),
]


def ensure_priorities() -> None:
    if Priority.objects.exists():
        return
    for order, (name, description) in enumerate(PRIORITIES, start=1):
        Priority.objects.create(name=name, description=description, order=order)
