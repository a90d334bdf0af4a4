"""Every URL of the project, requested by every role, answers as the policy says.

A new view fails this suite until it is marked with a policy (`policy.requires` or `policy.public`) and its
expected answers for every role are added to EXPECTED below.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pine.programme.models import Priority
from tests.conftest import ROLES, World

STAFF = {"programme_manager": 200, "practice_adviser": 200, "research_adviser": 200}
ALL_STAFF = {**STAFF, "other_adviser": 200}
NO_STAFF = {"programme_manager": 403, "practice_adviser": 403, "research_adviser": 403, "other_adviser": 403}
SITE_A = {"site_lead": 200, "site_member": 200, "dpo": 200}
OUTSIDERS_404 = {"other_site_lead": 404, "other_adviser": 404}
# A project page: its organisation's people and its assigned advisers (and the manager) see it.
PROJECT_VIEW = {"anonymous": 302, "unverified_manager": 302, **STAFF, **SITE_A, **OUTSIDERS_404}


def project_only(**allowed: int) -> dict[str, int]:
    """A project page that only some roles may use: the rest of the project's people get 403, outsiders 404."""
    return {**PROJECT_VIEW, **{r: 403 for r in (*STAFF, *SITE_A)}, **allowed}


POST_ONLY = {"anonymous": 302, "unverified_manager": 302, **{r: 405 for r in (*STAFF, *SITE_A, *OUTSIDERS_404)}}
NO_SITE = {"site_lead": 403, "site_member": 403, "dpo": 403, "other_site_lead": 403}
EVERYONE_200 = {role: 200 for role in ROLES}
SIGNED_IN_200 = {"anonymous": 302, **{role: 200 for role in ROLES if role != "anonymous"}, "unverified_manager": 302}
# Staff who have not entered a code are sent to do so from every page but the public ones and sign-out.
UNVERIFIED = {"unverified_manager": 302}
PUBLIC_BUT_SIGNED_IN_FLOWS = {**EVERYONE_200, **UNVERIFIED}

COLLECTION_VIEWS = (
    "home",
    "instrument",
    "instrument-preview",
    "wave",
    "participants",
    "participant",
    "imports",
    "import",
    "export",
    "export-file",
    "export-dictionary",
)
COLLECTION_WORK = (
    "instrument-create",
    "instrument-edit",
    "section-create",
    "section-edit",
    "item-create",
    "item-edit",
    "subscale-create",
    "subscale-edit",
    "wave-create",
    "wave-edit",
    "wave-links",
    "participant-create",
    "participant-add-many",
    "participant-edit",
    "import-columns",
)
COLLECTION_POSTS = (
    "instrument-version",
    "section-delete",
    "item-delete",
    "item-move",
    "subscale-delete",
    "wave-open",
    "wave-close",
    "wave-send",
    "wave-remind",
    "wave-open-link",
    "import-commit",
    "import-retry",
    "import-discard",
)
API_ENDPOINTS = (
    "list_projects",
    "list_instruments",
    "list_waves",
    "list_participants",
    "get_responses",
    "post_responses",
)

# Theory of change and evaluation plan: the project's people and advisers read them; the site team edits them.
MODELLING_VIEWS = ("toc", "toc-versions", "toc-version", "plan", "calculator", "plan-versions", "plan-version")
MODELLING_FILES = ("toc-svg", "toc-png", "toc-docx", "toc-pdf", "plan-docx", "plan-pdf")
MODELLING_WORK = (
    "element-add",
    "element-edit",
    "element-remove",
    "link-add",
    "plan-design",
    "plan-participants",
    "plan-data-sources",
    "plan-sharing",
    *(
        f"plan-{item}{suffix}"
        for item in ("question", "outcome", "analysis", "milestone", "risk")
        for suffix in ("-add", "", "-remove")
    ),
)
MODELLING_POSTS = ("element-move", "link-remove")

# URL name -> {role: status of a GET}. Object URLs point at organisation A (or its invitation).
EXPECTED: dict[str, dict[str, int]] = {
    "intake:home": {"anonymous": 200, **{role: 302 for role in ROLES if role != "anonymous"}},
    "core:home": SIGNED_IN_200,
    "core:accessibility": EVERYONE_200,
    "core:privacy": EVERYONE_200,
    "core:cookies": EVERYONE_200,
    "core:feedback": EVERYONE_200,
    "core:healthz": EVERYONE_200,
    "core:audit-log": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "core:audit-export": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "accounts:sign-in": {"anonymous": 200, **{role: 302 for role in ROLES if role != "anonymous"}},
    "accounts:sign-out": {role: 405 for role in ROLES},
    # Staff have an authenticator already (so set-up sends them on); site people may add one.
    "accounts:two-factor-setup": {
        "anonymous": 302,
        **{r: 302 for r in ALL_STAFF},
        **SITE_A,
        "other_site_lead": 200,
        "unverified_manager": 302,
    },
    "accounts:two-factor-verify": {**{role: 302 for role in ROLES}, "unverified_manager": 200},
    "accounts:password-reset": PUBLIC_BUT_SIGNED_IN_FLOWS,
    "accounts:password-reset-done": PUBLIC_BUT_SIGNED_IN_FLOWS,
    "accounts:password-reset-confirm": PUBLIC_BUT_SIGNED_IN_FLOWS,
    "accounts:password-reset-complete": PUBLIC_BUT_SIGNED_IN_FLOWS,
    "accounts:account": SIGNED_IN_200,
    "accounts:invitation-accept": PUBLIC_BUT_SIGNED_IN_FLOWS,
    "accounts:organisation-list": {"anonymous": 302, **ALL_STAFF, **NO_SITE, **UNVERIFIED},
    "accounts:organisation-create": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "accounts:organisation-detail": {"anonymous": 302, **ALL_STAFF, **SITE_A, "other_site_lead": 404, **UNVERIFIED},
    "accounts:organisation-edit": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "accounts:organisation-invite": {
        "anonymous": 302,
        **NO_STAFF,
        **NO_SITE,
        "programme_manager": 200,
        "site_lead": 200,
        "other_site_lead": 404,
        **UNVERIFIED,
    },
    "accounts:invitation-list": {
        "anonymous": 302,
        **NO_STAFF,
        **NO_SITE,
        "programme_manager": 200,
        "site_lead": 200,
        "other_site_lead": 200,
        **UNVERIFIED,
    },
    "accounts:people-list": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "accounts:person-detail": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "accounts:person-action": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 405, **UNVERIFIED},
    "accounts:invitation-create": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "accounts:invitation-revoke": {
        "anonymous": 302,
        **NO_STAFF,
        **NO_SITE,
        "programme_manager": 405,
        "site_lead": 405,
        "other_site_lead": 405,
        **UNVERIFIED,
    },
    "journey:project-list": SIGNED_IN_200,
    "journey:project-create": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "journey:project": PROJECT_VIEW,
    "journey:settings": project_only(programme_manager=200, site_lead=200),
    "journey:advisers": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "journey:approve-summary": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 405, **UNVERIFIED},
    "journey:team": project_only(programme_manager=200, site_lead=200),
    "journey:team-remove": POST_ONLY,
    "journey:timeline": PROJECT_VIEW,
    "journey:stage": PROJECT_VIEW,
    "journey:guidance-read": POST_ONLY,
    "journey:checkpoint-request": project_only(site_lead=200),
    "journey:checkpoint": PROJECT_VIEW,
    "journey:checkpoint-schedule": project_only(programme_manager=200, practice_adviser=200, research_adviser=200),
    "journey:checkpoint-cancel": project_only(programme_manager=200, practice_adviser=200, research_adviser=200),
    "journey:checkpoint-agenda": project_only(programme_manager=200, practice_adviser=200, research_adviser=200),
    "journey:checkpoint-notes": project_only(programme_manager=200, practice_adviser=200, research_adviser=200),
    "journey:checkpoint-decide": project_only(practice_adviser=200, research_adviser=200),
    "journey:checkpoint-calendar": PROJECT_VIEW,
    "journey:action-create": project_only(
        programme_manager=200, practice_adviser=200, research_adviser=200, site_lead=200, site_member=200
    ),
    "journey:action-status": POST_ONLY,
    "intake:supported": PUBLIC_BUT_SIGNED_IN_FLOWS,
    "intake:supported-project": PUBLIC_BUT_SIGNED_IN_FLOWS,
    "intake:propose": PUBLIC_BUT_SIGNED_IN_FLOWS,
    "intake:step": PUBLIC_BUT_SIGNED_IN_FLOWS,
    "intake:check": {role: 302 for role in ROLES},  # nothing answered yet: back to the first question
    "intake:send": {**{role: 405 for role in ROLES}, **UNVERIFIED},
    "intake:sent": {role: 302 for role in ROLES},  # nothing sent in this session
    "intake:save": PUBLIC_BUT_SIGNED_IN_FLOWS,
    "intake:resume": {role: 302 for role in ROLES},  # loads the answers, then the next question
    "intake:respond": PUBLIC_BUT_SIGNED_IN_FLOWS,
    "intake:queue": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "intake:dashboard": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "intake:export": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    # The proposal is assigned to the practice adviser only: other advisers do not see it.
    "intake:proposal": {
        "anonymous": 302,
        **NO_SITE,
        **UNVERIFIED,
        "programme_manager": 200,
        "practice_adviser": 200,
        "research_adviser": 404,
        "other_adviser": 404,
    },
    "intake:triage": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "intake:question": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "intake:decline": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "intake:withdraw": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "intake:consultation": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "intake:consultation-cancel": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 405, **UNVERIFIED},
    "intake:consultation-outcome": {
        "anonymous": 302,
        **NO_SITE,
        **UNVERIFIED,
        "programme_manager": 200,
        "practice_adviser": 200,
        "research_adviser": 404,
        "other_adviser": 404,
    },
    "intake:decline-template": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "intake:priorities": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "intake:priority-create": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "intake:priority-edit": {"anonymous": 302, **NO_STAFF, **NO_SITE, "programme_manager": 200, **UNVERIFIED},
    "guidance:index": EVERYONE_200,
    "guidance:page": EVERYONE_200,
    **{f"modelling:{name}": PROJECT_VIEW for name in (*MODELLING_VIEWS, *MODELLING_FILES)},
    **{f"modelling:{name}": project_only(site_lead=200, site_member=200) for name in MODELLING_WORK},
    **{f"modelling:{name}": POST_ONLY for name in MODELLING_POSTS},
    # The measures library: everyone signed in reads it; the manager and site teams add to it.
    "modelling:measure-list": SIGNED_IN_200,
    "modelling:measure": SIGNED_IN_200,
    "modelling:measure-add": {
        "anonymous": 302,
        **NO_STAFF,
        **NO_SITE,
        "programme_manager": 200,
        "site_lead": 200,
        "site_member": 200,
        "other_site_lead": 200,
        **UNVERIFIED,
    },
    # Organisation A's own measure: the manager and A's site team change it; B's lead does not see it.
    "modelling:measure-edit": {
        "anonymous": 302,
        **NO_STAFF,
        **NO_SITE,
        "programme_manager": 200,
        "site_lead": 200,
        "site_member": 200,
        "other_site_lead": 404,
        **UNVERIFIED,
    },
    # Data collection: the project's people and advisers see it; the site team (lead, members) works on it;
    # identifying details are for the site lead and the data protection officer only.
    **{f"collection:{name}": PROJECT_VIEW for name in COLLECTION_VIEWS},
    **{f"collection:{name}": project_only(site_lead=200, site_member=200) for name in COLLECTION_WORK},
    **{f"collection:{name}": POST_ONLY for name in COLLECTION_POSTS},
    "collection:participant-identifiers": project_only(site_lead=200, dpo=200),
    "collection:participant-delete": project_only(site_lead=200, dpo=200),
    "collection:api-tokens": {
        "anonymous": 302,
        **NO_STAFF,
        **NO_SITE,
        "site_lead": 200,
        "other_site_lead": 404,
        **UNVERIFIED,
    },
    "collection:api-token-revoke": {
        "anonymous": 302,
        **NO_STAFF,
        **NO_SITE,
        "site_lead": 405,
        "other_site_lead": 405,
        **UNVERIFIED,
    },
    "collection:api-docs": PUBLIC_BUT_SIGNED_IN_FLOWS,
    # A survey link: its privacy notice and first page; nothing answered yet, so checking and "done" send you back.
    "collection:respond": PUBLIC_BUT_SIGNED_IN_FLOWS,
    "collection:respond-page": PUBLIC_BUT_SIGNED_IN_FLOWS,
    "collection:respond-check": {role: 302 for role in ROLES},
    "collection:respond-done": {role: 302 for role in ROLES},
    # The JSON API authenticates by API key only (401 without one); its OpenAPI document is public.
    "api:openapi-json": PUBLIC_BUT_SIGNED_IN_FLOWS,
    "api:api-root": {**{role: 404 for role in ROLES}, **UNVERIFIED},
    **{f"api:{name}": {**{role: 401 for role in ROLES}, **UNVERIFIED} for name in API_ENDPOINTS},
}


def all_patterns(resolver: URLResolver | None = None, namespace: str = "") -> list[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    found: list[tuple[str, URLPattern]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.extend(all_patterns(entry, inner))
        else:
            found.append((f"{namespace}{entry.name}", entry))
    return found


def sample_url(name: str, pattern: URLPattern, world: World) -> str:
    keys = set(pattern.pattern.converters)
    if name.startswith("journey:"):
        values = {
            "pk": world.project.pk,
            "organisation_pk": world.org_a.pk,
            "number": 2,
            "checkpoint": world.checkpoint.pk,
            "member": world.member.pk,
            "action": world.action.pk,
        }
        return reverse(name, kwargs={key: values[key] for key in keys})
    if name.startswith("intake:"):
        values = {
            "pk": {
                "intake:supported-project": world.project.pk,
                "intake:priority-edit": Priority.objects.first().pk,
            }.get(name, world.proposal.pk),
            "token": world.question_token if name == "intake:respond" else world.draft_token,
            "step": "organisation",
            "kind": "csv",
        }
        return reverse(name, kwargs={key: values[key] for key in keys})
    if name.startswith(("collection:", "api:")):
        collection = world.collection
        assert collection is not None
        values = {
            "pk": world.org_a.pk if "api-token" in name else world.project.pk,
            "project_id": world.project.pk,
            "instrument": collection.instrument.pk,
            "section": collection.section.pk,
            "item": collection.item.pk,
            "subscale": collection.subscale.pk,
            "wave": collection.wave.pk,
            "participant": collection.participant.pk,
            "batch": collection.batch.pk,
            "token": collection.api_token.pk if "api-token" in name else collection.link_token,
            "number": 1,
        }
        return reverse(name, kwargs={key: values[key] for key in keys})
    if name.startswith("modelling:"):
        from tests.modelling.factories import modelling_sample

        sample = modelling_sample(world)
        plan = sample.plan
        items = {
            "question": plan.question.pk,
            "outcome": plan.outcome.pk,
            "analysis": plan.analysis.pk,
            "milestone": plan.question.plan.milestones.first().pk,
            "risk": plan.question.plan.risks.first().pk,
        }
        values = {
            "pk": world.project.pk,
            "element": sample.model.elements["activity"].pk,
            "link": sample.model.link.pk,
            "number": 1,
            "item": next((pk for item, pk in items.items() if name.startswith(f"modelling:plan-{item}")), 0),
            "measure": sample.site_measure.pk if name == "modelling:measure-edit" else sample.programme_measure.pk,
        }
        return reverse(name, kwargs={key: values[key] for key in keys})
    if keys == {"slug"}:
        return reverse(name, kwargs={"slug": "02-describe-your-intervention"})
    if "person" in name:
        kwargs: dict[str, object] = {"pk": world.users["site_member"].pk}
        if "action" in keys:
            kwargs["action"] = "deactivate"
        return reverse(name, kwargs=kwargs)
    if keys == {"pk"}:
        pk = world.invitation_a.pk if "invitation" in name else world.org_a.pk
        return reverse(name, kwargs={"pk": pk})
    if keys == {"token"}:
        return reverse(name, kwargs={"token": world.invitation_token})
    if keys == {"uidb64", "token"}:
        return reverse(name, kwargs={"uidb64": "MQ", "token": "set-password"})
    assert not keys, f"{name}: add sample arguments for {sorted(keys)} to sample_url"
    return reverse(name)


def test_every_view_is_marked_with_a_policy() -> None:
    """A view without `policy.requires` or `policy.public` is a view nobody decided the permissions of."""
    unmarked = [name for name, pattern in all_patterns() if not hasattr(pattern.callback, "pine_policy")]
    assert unmarked == []


def test_every_url_has_expectations() -> None:
    names = {name for name, _ in all_patterns()}
    assert names - EXPECTED.keys() == set(), "add the new URL's expected statuses to EXPECTED"
    assert EXPECTED.keys() - names == set(), "EXPECTED names a URL that no longer exists"


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_expected(role: str, world: World, client_as: Any) -> None:
    client = client_as(role)
    wrong = {}
    for name, pattern in all_patterns():
        url = sample_url(name, pattern, world)
        status = client.get(url).status_code
        expected = EXPECTED[name][role]
        if status != expected:
            wrong[name] = f"got {status}, expected {expected}"
    assert wrong == {}
