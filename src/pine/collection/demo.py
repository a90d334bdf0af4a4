"""Demo data collection for Hartwell's thematic practice weeks (stage 5): a skills-and-confidence questionnaire,
60 social workers in intervention and comparison teams, a baseline that came in as an imported spreadsheet, and
an open 3-month follow-up with some answers still missing.

Answers are generated from a seeded random generator, so the same demo gives the same answers (pseudonyms are
drawn afresh, as they always are). Everything goes through the services, so the audit log is real.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from pine.accounts.models import User
from pine.collection import imports, services, services_waves, survey
from pine.collection.models import ImportBatch, Instrument, Participant, SurveyLink, Wave
from pine.journey.models import Project

SEED = 2026
AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
CONFIDENCE = [
    ("conf_1", "I feel confident assessing risk of harm in the families I work with", False),
    ("conf_2", "I feel confident talking with parents about domestic abuse", False),
    ("conf_3", "I often feel unsure what to do next in a complex case", True),
    ("conf_4", "I can explain my decisions clearly in case records", False),
    ("conf_5", "I feel confident challenging other professionals when I disagree", False),
]
KNOWLEDGE = [
    ("know_1", "I know the signs of coercive control", False),
    ("know_2", "I know which local services can support a family experiencing domestic abuse", False),
    ("know_3", "I know how to use the risk assessment tools my team uses", False),
]
FIRST = ["Amira", "Ben", "Chloe", "Daniel", "Efua", "Fiona", "George", "Hannah", "Imran", "Jess", "Kofi", "Laura"]
LAST = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Green", "Hughes", "Khan", "Lewis", "Okoro"]


def _scores(rng: random.Random, level: float, reverse: bool) -> int:
    value = min(5, max(1, round(rng.gauss(level, 0.7))))
    return 6 - value if reverse else value


@transaction.atomic
def load_collection_demo() -> None:
    hartwell = Project.objects.filter(organisation__name="London Borough of Hartwell").first()
    if hartwell is None or Instrument.objects.filter(project=hartwell).exists():
        return
    if hartwell.current_stage != 5:
        return
    rng = random.Random(SEED)
    lead = User.objects.get(email="lead@hartwell.example")
    member = User.objects.get(email="member@hartwell.example")

    instrument = services.instrument_create(
        actor=member,
        project=hartwell,
        name="Skills and confidence questionnaire",
        description="Eight statements about your practice, and two questions about you. It takes about 5 minutes.",
        scoring="sum",
        min_answered=7,
    )
    first = instrument.sections.get()
    services.section_save(actor=member, instrument=instrument, section=first, title="Confidence in your practice")
    for code, text, reverse in CONFIDENCE:
        services.item_save(
            actor=member,
            section=first,
            data={"code": code, "text": text, "kind": "likert", "options": AGREE, "reverse_scored": reverse},
        )
    knowledge = services.section_save(actor=member, instrument=instrument, title="What you know")
    for code, text, reverse in KNOWLEDGE:
        services.item_save(
            actor=member,
            section=knowledge,
            data={"code": code, "text": text, "kind": "likert", "options": AGREE, "reverse_scored": reverse},
        )
    about = services.section_save(actor=member, instrument=instrument, title="About you")
    services.item_save(
        actor=member,
        section=about,
        data={
            "code": "years",
            "text": "How many years have you worked in social work?",
            "kind": "number",
            "minimum": 0,
            "maximum": 45,
            "scored": False,
        },
    )
    services.item_save(
        actor=member,
        section=about,
        data={
            "code": "comment",
            "text": "Is there anything else you would like to tell us?",
            "kind": "long_text",
            "required": False,
        },
    )
    items = {i.code: i for i in instrument.items.all()}
    services.subscale_save(
        actor=member,
        instrument=instrument,
        name="Confidence",
        code="confidence",
        items=[items[c] for c, _, _ in CONFIDENCE],
        scoring="mean",
        min_answered=4,
    )
    services.subscale_save(
        actor=member,
        instrument=instrument,
        name="Knowledge",
        code="knowledge",
        items=[items[c] for c, _, _ in KNOWLEDGE],
        scoring="mean",
        min_answered=2,
    )

    # 60 social workers: two intervention teams and the comparison team in East Locality.
    people: list[tuple[Participant, float]] = []
    teams = (
        ("North Locality", "intervention", 15),
        ("South Locality", "intervention", 15),
        ("East Locality", "comparison", 30),
    )
    for team, group, count in teams:
        for participant in services_waves.participants_add_many(
            actor=lead, project=hartwell, count=count, group=group, cluster=team, consent="given"
        ):
            people.append((participant, rng.gauss(3.1, 0.5)))
    for number, (participant, _) in enumerate(people, start=1):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        services_waves.participant_set_identifiers(
            actor=lead,
            participant=participant,
            identifiers={"name": name, "email": f"social.worker{number:02d}@hartwell.example"},
        )
    Participant.objects.filter(project=hartwell).update(consent_date=timezone.localdate() - dt.timedelta(days=80))

    today = timezone.localdate()
    baseline = services_waves.wave_save(
        actor=member,
        project=hartwell,
        name="Baseline",
        code="baseline",
        opens_on=today - dt.timedelta(days=75),
        closes_on=today - dt.timedelta(days=45),
        instruments=[instrument],
    )
    follow_up = services_waves.wave_save(
        actor=member,
        project=hartwell,
        name="3-month follow-up",
        code="fu3",
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=14),
        instruments=[instrument],
        reminder_every_days=7,
    )

    # The baseline was on paper at the teams' away days, typed into a spreadsheet and imported.
    header = ["Participant", "Team", *[c for c, _, _ in CONFIDENCE + KNOWLEDGE], "years", "comment"]
    lines = [",".join(header)]
    for participant, level in people:
        if rng.random() < 0.1:
            continue  # away on the day
        cells = [participant.pseudonym, participant.cluster]
        cells += [str(_scores(rng, level, reverse)) for _, _, reverse in CONFIDENCE + KNOWLEDGE]
        cells += [str(rng.randint(1, 25)), rng.choice(["", "", "", "More time for reflection would help"])]
        if rng.random() < 0.15:
            cells[3] = "N/A"
        lines.append(",".join(cells))
    batch = imports.batch_upload(
        actor=member, project=hartwell, filename="baseline-paper-survey.csv", data=("\n".join(lines) + "\n").encode()
    )
    mapping = dict(batch.mapping)
    mapping["Team"] = "cluster"
    imports.batch_configure(
        actor=member,
        batch=batch,
        instrument=instrument,
        wave=baseline,
        mapping=mapping,
        missing_codes=["N/A"],
        create_participants=False,
    )
    batch.refresh_from_db()
    imports.batch_commit(actor=member, batch=batch)
    services_waves.wave_open(actor=member, wave=baseline)
    services_waves.wave_close(actor=member, wave=baseline)

    # The follow-up is open: links emailed ten days ago, a reminder since, some answers still to come.
    services_waves.wave_open(actor=member, wave=follow_up)
    survey.links_send(actor=member, wave=follow_up)
    pages = survey.pages(wave=follow_up)
    for participant, level in people:
        roll = rng.random()
        if roll > 0.78:
            continue  # not answered yet
        gain = 0.6 if participant.group == "intervention" else 0.1
        answers = {c: _scores(rng, level + gain, reverse) for c, _, reverse in CONFIDENCE + KNOWLEDGE}
        answers["years"] = rng.randint(1, 25)
        link = survey.link_for(wave=follow_up, participant=participant)
        for page in pages:
            codes = {i.code for i in page.section.items.all()}
            survey.page_save(link=link, page=page, answers={k: v for k, v in answers.items() if k in codes})
            if roll > 0.72:
                break  # started, not finished
        if roll <= 0.72:
            survey.submit(link=link)
    survey.links_remind(actor=lead, wave=follow_up)

    # Date the history: the baseline months ago, the follow-up links ten days ago.
    past = timezone.now() - dt.timedelta(days=75)
    Wave.objects.filter(pk=baseline.pk).update(opened_at=past, closed_at=timezone.now() - dt.timedelta(days=45))
    Wave.objects.filter(pk=follow_up.pk).update(opened_at=timezone.now() - dt.timedelta(days=10))
    SurveyLink.objects.filter(wave=follow_up, sent_at__isnull=False).update(
        sent_at=timezone.now() - dt.timedelta(days=10), reminded_at=timezone.now() - dt.timedelta(days=3)
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        uploaded_at=timezone.now() - dt.timedelta(days=44), committed_at=timezone.now() - dt.timedelta(days=44)
    )
