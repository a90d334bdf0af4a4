"""The measures library's starting entries (a data migration adds them; `ensure_measures` restores them).

Published measures are described and linked, never copied: their questions belong to their authors. Each
entry's licence allows listing and describing it; teams must check the current terms at the source before use.
PINE's own items, for practitioner skills and confidence, are ours and free to use.
"""

from __future__ import annotations

from typing import Any

CHECK = " Check the current terms at the source before you use it."

MEASURES: list[dict[str, Any]] = [
    {
        "name": "Warwick-Edinburgh Mental Wellbeing Scale (WEMWBS)",
        "measures_what": "Mental wellbeing of adults (and young people aged 13 and over): feeling good and "
        "functioning well. Positively worded; suited to population and workforce wellbeing.",
        "completed_by": "practitioner",
        "items": 14,
        "scoring": "Each item scored 1 to 5; total 14 to 70, higher is better wellbeing. A short 7-item version "
        "(SWEMWBS) exists.",
        "licence": "Copyright of NHS Health Scotland and the Universities of Warwick and Edinburgh. Free for "
        "non-commercial use after registering with the University of Warwick." + CHECK,
        "cost": "Free for non-commercial use (registration needed)",
        "validated": True,
        "source": "Tennant R. et al. (2007) The Warwick-Edinburgh Mental Well-being Scale (WEMWBS): development "
        "and UK validation. Health and Quality of Life Outcomes 5:63.",
        "source_url": "https://warwick.ac.uk/fac/sci/med/research/platform/wemwbs/",
        "priorities": ["The children's social care workforce", "Children and young people's mental health"],
    },
    {
        "name": "Strengths and Difficulties Questionnaire (SDQ)",
        "measures_what": "Emotional and behavioural difficulties of children and young people aged 2 to 17: "
        "emotional symptoms, conduct, hyperactivity, peer problems and prosocial behaviour.",
        "completed_by": "parent",
        "items": 25,
        "scoring": "Each item scored 0 to 2; total difficulties 0 to 40 from four scales (higher means more "
        "difficulties); prosocial scale 0 to 10. Versions for parents, teachers and young people aged 11 to 17.",
        "licence": "Copyright of Robert Goodman (Youthinmind). Paper copies may be downloaded and used without "
        "charge for non-commercial purposes, unchanged; online and scoring use need permission." + CHECK,
        "cost": "Free on paper for non-commercial use; a fee for some electronic use",
        "validated": True,
        "source": "Goodman R. (1997) The Strengths and Difficulties Questionnaire: a research note. Journal of "
        "Child Psychology and Psychiatry 38:581-586.",
        "source_url": "https://www.sdqinfo.org/",
        "priorities": ["Children and young people's mental health", "Residential care"],
    },
    {
        "name": "ONS personal wellbeing questions (ONS4)",
        "measures_what": "Personal wellbeing of adults: life satisfaction, feeling that life is worthwhile, "
        "happiness and anxiety yesterday. Allows comparison with national figures.",
        "completed_by": "practitioner",
        "items": 4,
        "scoring": "Each question answered 0 to 10 and reported separately (not added up); for anxiety, lower is "
        "better.",
        "licence": "Crown copyright, published by the Office for National Statistics under the Open Government "
        "Licence v3.0.",
        "cost": "Free",
        "validated": True,
        "source": "Office for National Statistics, Personal well-being user guidance.",
        "source_url": "https://www.ons.gov.uk/peoplepopulationandcommunity/wellbeing/methodologies/"
        "personalwellbeingsurveyuserguide",
        "priorities": ["The children's social care workforce"],
    },
    {
        "name": "Professional Quality of Life Scale (ProQOL 5)",
        "measures_what": "The positive and negative effects of helping others who have experienced trauma: "
        "compassion satisfaction, burnout and secondary traumatic stress in helping professionals.",
        "completed_by": "practitioner",
        "items": 30,
        "scoring": "Three scales of 10 items, each item 1 to 5; scale totals 10 to 50, reported separately.",
        "licence": "Free to use without permission if the author is credited, no changes are made and it is not "
        "sold." + CHECK,
        "cost": "Free",
        "validated": True,
        "source": "Stamm B.H. (2010) The Concise ProQOL Manual, 2nd edition. Pocatello, ID: ProQOL.org.",
        "source_url": "https://proqol.org/",
        "priorities": ["The children's social care workforce", "Domestic abuse"],
    },
    {
        "name": "Copenhagen Burnout Inventory (CBI)",
        "measures_what": "Burnout in three parts: personal, work-related and client-related (working with service "
        "users). Used with social workers and other human services staff.",
        "completed_by": "practitioner",
        "items": 19,
        "scoring": "Answers converted to 0, 25, 50, 75 or 100; each scale is the average of its items (0 to 100, "
        "higher is more burnout).",
        "licence": "Published for free use in research and practice by its authors." + CHECK,
        "cost": "Free",
        "validated": True,
        "source": "Kristensen T.S. et al. (2005) The Copenhagen Burnout Inventory: a new tool for the assessment of "
        "burnout. Work & Stress 19(3):192-207.",
        "source_url": "https://doi.org/10.1080/02678370500297720",
        "priorities": ["The children's social care workforce", "Residential care"],
    },
    {
        "name": "Perceived Stress Scale (PSS-10)",
        "measures_what": "How unpredictable, uncontrollable and overloaded people find their lives: a general "
        "measure of stress over the last month.",
        "completed_by": "practitioner",
        "items": 10,
        "scoring": "Each item 0 to 4, four items reversed; total 0 to 40, higher is more stress.",
        "licence": "Free for non-commercial, academic and educational use." + CHECK,
        "cost": "Free for non-commercial use",
        "validated": True,
        "source": "Cohen S., Kamarck T. and Mermelstein R. (1983) A global measure of perceived stress. Journal of "
        "Health and Social Behavior 24:385-396.",
        "source_url": "https://doi.org/10.2307/2136404",
        "priorities": ["The children's social care workforce"],
    },
    {
        "name": "Stirling Children's Wellbeing Scale (SCWBS)",
        "measures_what": "Emotional and psychological wellbeing of children aged 8 to 15, positively worded.",
        "completed_by": "child",
        "items": 12,
        "scoring": "Each item 1 to 5; total 12 to 60, higher is better wellbeing (two subscales).",
        "licence": "Developed by Stirling Council Educational Psychology Service; free to use." + CHECK,
        "cost": "Free",
        "validated": True,
        "source": "Liddle I. and Carter G.F.A. (2015) Emotional and psychological well-being in children: the "
        "development and validation of the Stirling Children's Well-being Scale. Educational Psychology in "
        "Practice 31(2):174-185.",
        "source_url": "https://www.corc.uk.net/outcome-experience-measures/stirling-childrens-wellbeing-scale/",
        "priorities": ["Children and young people's mental health", "Residential care"],
    },
    {
        "name": "Revised Children's Anxiety and Depression Scale (RCADS)",
        "measures_what": "Symptoms of anxiety and low mood in children and young people aged 8 to 18.",
        "completed_by": "child",
        "items": 47,
        "scoring": "Each item 0 to 3; six subscales and totals, converted to scores by age and sex. A 25-item "
        "short version exists; a parent version too.",
        "licence": "Free to use; made available by its authors." + CHECK,
        "cost": "Free",
        "validated": True,
        "source": "Chorpita B.F. et al. (2000) Assessment of symptoms of DSM-IV anxiety and depression in "
        "children: a revised child anxiety and depression scale. Behaviour Research and Therapy 38:835-855.",
        "source_url": "https://www.corc.uk.net/outcome-experience-measures/revised-childrens-anxiety-and-"
        "depression-scale-and-subscales/",
        "priorities": ["Children and young people's mental health"],
    },
    {
        "name": "General Self-Efficacy Scale (GSE)",
        "measures_what": "A person's belief that they can cope with difficult demands and new situations.",
        "completed_by": "practitioner",
        "items": 10,
        "scoring": "Each item 1 to 4; total 10 to 40, higher is more self-efficacy.",
        "licence": "Free for non-commercial use, with the authors credited." + CHECK,
        "cost": "Free",
        "validated": True,
        "source": "Schwarzer R. and Jerusalem M. (1995) Generalized Self-Efficacy scale. In Weinman J., Wright S. "
        "and Johnston M., Measures in health psychology. Windsor: NFER-NELSON.",
        "source_url": "https://userpage.fu-berlin.de/~health/selfscal.htm",
        "priorities": ["The children's social care workforce"],
    },
    {
        "name": "Case audit quality score (from your own audit tool)",
        "measures_what": "The quality of assessments, plans and recording, as rated by auditors using the "
        "organisation's own case audit tool (for example graded outstanding to inadequate).",
        "completed_by": "observer",
        "items": None,
        "scoring": "As the audit tool defines: usually a grade per case, which can be turned into a number (1 to 4) "
        "or into a yes/no for 'good or better'.",
        "licence": "Your organisation's own tool.",
        "cost": "Free (staff time)",
        "validated": False,
        "source": "Your organisation's quality assurance framework.",
        "source_url": "",
        "priorities": ["Risk and decision-making", "Domestic abuse"],
    },
    {
        "name": "Routine children's social care data (children in need census measures)",
        "measures_what": "Counts and rates from case management systems: referrals, re-referrals, child protection "
        "plans, children entering care, care proceedings. Good for interrupted time series.",
        "completed_by": "records",
        "items": None,
        "scoring": "Monthly counts or rates per 10,000 children, using the Department for Education's definitions.",
        "licence": "Your own data; national figures published under the Open Government Licence.",
        "cost": "Free (analyst time)",
        "validated": False,
        "source": "Department for Education, Children in need census guide.",
        "source_url": "https://www.gov.uk/government/collections/children-in-need-census",
        "priorities": [
            "Risk and decision-making",
            "Safeguarding children under one from non-accidental injury by male carers",
        ],
    },
    {
        "name": "PINE practice confidence scale",
        "measures_what": "Practitioners' confidence in the skills a practice theme needs (for example domestic "
        "abuse, or risk and decision-making). Replace [the theme] with yours.",
        "completed_by": "practitioner",
        "items": 8,
        "scoring": "Each item answered 1 (not at all confident) to 5 (completely confident); the score is the "
        "average of the items, 1 to 5. Use the same wording at every time point.",
        "licence": "PINE's own; free to use and adapt under the Open Government Licence v3.0.",
        "cost": "Free",
        "validated": False,
        "source": "PINE programme team, practitioner items (not yet validated: report reliability, such as "
        "Cronbach's alpha, with your results).",
        "source_url": "",
        "pine_own": True,
        "items_text": "\n".join(
            [
                "I feel confident recognising [the theme] in the families I work with.",
                "I feel confident talking with parents and carers about [the theme].",
                "I feel confident talking with children and young people about [the theme].",
                "I feel confident assessing the risks that [the theme] poses to a child.",
                "I feel confident recording my analysis of [the theme] clearly.",
                "I feel confident choosing what to do next when [the theme] is present.",
                "I feel confident explaining my decisions about [the theme] to colleagues and managers.",
                "I feel confident finding the right help and services for [the theme].",
            ]
        ),
        "priorities": ["The children's social care workforce", "Domestic abuse", "Risk and decision-making"],
    },
    {
        "name": "PINE practice skills self-assessment",
        "measures_what": "How often practitioners use core practice skills in their recent work: analysis, "
        "direct work, reflection and use of research.",
        "completed_by": "practitioner",
        "items": 6,
        "scoring": "Each item answered for the last month: never (1), rarely (2), sometimes (3), often (4), always "
        "(5); the score is the average, 1 to 5.",
        "licence": "PINE's own; free to use and adapt under the Open Government Licence v3.0.",
        "cost": "Free",
        "validated": False,
        "source": "PINE programme team, practitioner items (not yet validated).",
        "source_url": "",
        "pine_own": True,
        "items_text": "\n".join(
            [
                "I wrote down my analysis of what is happening for the child, not only what happened.",
                "I used direct work tools to hear the child's views.",
                "I considered more than one explanation before reaching a view.",
                "I used supervision to reflect on my own assumptions about a family.",
                "I drew on research or practice guidance in a decision.",
                "I explained to a family, in plain words, why I reached a decision.",
            ]
        ),
        "priorities": ["The children's social care workforce", "Risk and decision-making"],
    },
    {
        "name": "PINE session feedback",
        "measures_what": "Practitioners' view of a training or practice session straight after it: relevance, "
        "new learning and intention to use it.",
        "completed_by": "practitioner",
        "items": 4,
        "scoring": "Each item 1 (strongly disagree) to 5 (strongly agree), reported item by item.",
        "licence": "PINE's own; free to use and adapt under the Open Government Licence v3.0.",
        "cost": "Free",
        "validated": False,
        "source": "PINE programme team.",
        "source_url": "",
        "pine_own": True,
        "items_text": "\n".join(
            [
                "The session was relevant to my work.",
                "I learned something new.",
                "I know how I will use what I learned.",
                "I would recommend the session to a colleague.",
            ]
        ),
        "priorities": ["The children's social care workforce"],
    },
]


def create_measures(measure_model: Any, priority_model: Any) -> None:
    """Add the starting entries that are missing (by name). Works with live or migration-time models."""
    existing = set(measure_model.objects.filter(organisation__isnull=True).values_list("name", flat=True))
    for entry in MEASURES:
        if entry["name"] in existing:
            continue
        data = {k: v for k, v in entry.items() if k != "priorities"}
        measure = measure_model.objects.create(**data)
        measure.priorities.set(priority_model.objects.filter(name__in=entry["priorities"]))


def ensure_measures() -> None:
    from pine.modelling.models import Measure
    from pine.programme.models import Priority

    create_measures(Measure, Priority)
