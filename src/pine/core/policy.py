"""Who may do what: the one place PINE decides permissions.

Views never decide on their own. Each view is wrapped by `requires(Action.X)` (or `public`), which checks the
action that needs no object; object rules are checked with `get_object_or_404`/`authorize`, which answer 404
when the object is outside what the user may see (another organisation's records), so nothing hints that it
exists. Querysets of what a user may list come from the `visible_*` functions here too.

Programme staff must have passed two-factor authentication before any rule lets them see data.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

ModelT = TypeVar("ModelT", bound=models.Model)
View = Callable[..., HttpResponseBase]


class Action(StrEnum):
    VIEW_HOME = "home.view"
    VIEW_PROGRAMME = "programme.view"
    LIST_ORGANISATIONS = "organisation.list"
    VIEW_ORGANISATION = "organisation.view"
    VIEW_ORGANISATION_CONTACTS = "organisation.view_contacts"
    CREATE_ORGANISATION = "organisation.create"
    CHANGE_ORGANISATION = "organisation.change"
    INVITE = "invitation.create"
    INVITE_PROGRAMME_STAFF = "invitation.create_programme_staff"
    LIST_INVITATIONS = "invitation.list"
    REVOKE_INVITATION = "invitation.revoke"
    LIST_PEOPLE = "person.list"
    MANAGE_PERSON = "person.manage"
    VIEW_AUDIT = "audit.view"
    EXPORT_AUDIT = "audit.export"
    LIST_PROJECTS = "project.list"
    CREATE_PROJECT = "project.create"
    VIEW_PROJECT = "project.view"
    WORK_ON_PROJECT = "project.work"
    CHANGE_PROJECT_SETTINGS = "project.settings"
    ASSIGN_ADVISERS = "project.assign_advisers"
    APPROVE_PUBLIC_SUMMARY = "project.approve_public_summary"
    REQUEST_CHECKPOINT = "checkpoint.request"
    RUN_CHECKPOINT = "checkpoint.run"
    DECIDE_CHECKPOINT = "checkpoint.decide"
    MANAGE_ACTIONS = "action.manage"
    TRIAGE = "intake.triage"
    VIEW_PROPOSAL = "intake.view_proposal"
    RECORD_CONSULTATION = "intake.record_consultation"
    MANAGE_PRIORITIES = "intake.priorities"
    LIST_MEASURES = "measure.list"
    ADD_MEASURE = "measure.add"
    CHANGE_MEASURE = "measure.change"
    VIEW_COLLECTION = "collection.view"
    MANAGE_COLLECTION = "collection.manage"
    VIEW_IDENTIFIERS = "collection.view_identifiers"
    EXPORT_RESPONSES = "collection.export"
    EXPORT_IDENTIFIABLE = "collection.export_identifiable"
    MANAGE_API_TOKENS = "collection.api_tokens"
    API_READ = "api.read"
    API_WRITE = "api.write"
    MANAGE_OWN_ACCOUNT = "account.manage"
    USE_TWO_FACTOR = "account.two_factor"


PROGRAMME_MANAGER = "programme_manager"
ADVISERS = {"practice_adviser", "research_adviser"}


def _role(user: Any) -> str:
    return getattr(user, "programme_role", "") if _signed_in(user) else ""


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _verified(user: Any) -> bool:
    """Staff count as signed in for data only after two-factor authentication in this session."""
    if not _signed_in(user):
        return False
    if getattr(user, "programme_role", ""):
        return bool(getattr(user, "is_verified", lambda: False)())
    return True


def _is_manager(user: Any) -> bool:
    return _verified(user) and _role(user) == PROGRAMME_MANAGER


def _is_staff(user: Any) -> bool:
    return _verified(user) and bool(_role(user))


def site_roles(user: Any, organisation_id: int) -> set[str]:
    """The site roles a user holds in an organisation (memberships are cached on the user for the request)."""
    if not _verified(user):
        return set()
    cache = getattr(user, "_pine_memberships", None)
    if cache is None:
        cache = {}
        for organisation, role in user.memberships.values_list("organisation_id", "role"):
            cache.setdefault(organisation, set()).add(role)
        user._pine_memberships = cache
    return cache.get(organisation_id, set())


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """May `user` do `action` (to `obj`, where the action concerns one object)?"""
    from pine.accounts.models import Invitation, Organisation

    if action in {Action.VIEW_HOME, Action.MANAGE_OWN_ACCOUNT}:
        return _verified(user)
    if action == Action.USE_TWO_FACTOR:
        # Setting up or entering a code is how a signed-in person becomes verified, so it cannot need it.
        return _signed_in(user)
    if action in {Action.VIEW_PROGRAMME, Action.LIST_ORGANISATIONS}:
        return _is_staff(user)
    if action in {
        Action.CREATE_ORGANISATION,
        Action.INVITE_PROGRAMME_STAFF,
        Action.LIST_PEOPLE,
        Action.VIEW_AUDIT,
        Action.EXPORT_AUDIT,
    }:
        return _is_manager(user)
    if action == Action.MANAGE_PERSON:
        # Managers look after everyone's account but their own (so nobody locks the last manager out).
        return _is_manager(user) and (obj is None or obj.pk != user.pk)
    if action == Action.VIEW_ORGANISATION:
        if obj is None:
            return _is_staff(user) or bool(_verified(user) and user.memberships.exists())
        assert isinstance(obj, Organisation)
        return _is_staff(user) or bool(site_roles(user, obj.pk))
    if action == Action.CHANGE_ORGANISATION:
        return _is_manager(user)
    if action == Action.VIEW_ORGANISATION_CONTACTS:
        return _organisation_contacts_rule(user, obj)
    if action in {Action.INVITE, Action.LIST_INVITATIONS}:
        # Without an object: may this person invite anyone at all? With one: to this organisation?
        if _is_manager(user):
            return True
        if obj is None:
            return _verified(user) and user.memberships.filter(role="site_lead").exists()
        assert isinstance(obj, Organisation)
        return "site_lead" in site_roles(user, obj.pk)
    if action == Action.REVOKE_INVITATION:
        assert isinstance(obj, Invitation)
        if obj.accepted_at or obj.revoked_at:
            return False
        if _is_manager(user):
            return True
        return obj.organisation_id is not None and "site_lead" in site_roles(user, obj.organisation_id)
    if action.value.startswith(("project.", "checkpoint.", "action.")):
        if _is_checkpoint(obj):
            if action == Action.DECIDE_CHECKPOINT:
                return _decide_rule(user, obj)  # its stage may ask for one adviser's judgement
            obj = obj.project
        return _project_rule(user, action, obj)
    if action in {Action.TRIAGE, Action.MANAGE_PRIORITIES}:
        return _is_manager(user)
    if action.value.startswith("measure."):
        return _measure_rule(user, action, obj)
    if action.value.startswith("collection."):
        return _collection_rule(user, action, obj)
    if action.value.startswith("api."):
        return _api_rule(user, action, obj)
    if action in {Action.VIEW_PROPOSAL, Action.RECORD_CONSULTATION}:
        return _proposal_rule(user, action, obj)
    raise ValueError(f"The policy has no rule for {action!r}.")


def _organisation_contacts_rule(user: Any, organisation: Any) -> bool:
    """The names and email addresses of an organisation's people: for the programme manager, the advisers
    assigned to any of its projects, and its own site lead. Other staff see the organisation without them."""
    from pine.journey.models import Project

    if _is_manager(user):
        return True
    if organisation is None:
        return _verified(user)
    if "site_lead" in site_roles(user, organisation.pk):
        return True
    advised = Project.objects.filter(organisation_id=organisation.pk).filter(
        models.Q(practice_adviser_id=user.pk) | models.Q(research_adviser_id=user.pk)
    )
    return _is_staff(user) and advised.exists()


def _proposal_rule(user: Any, action: Action, proposal: Any) -> bool:
    """A proposal: the manager; the advisers assigned to it; and the advisers invited to its initial consultation,
    who need to read it and may record the outcome (being invited is enough: nobody has to assign them too)."""
    if proposal is None:
        return _is_staff(user)
    if _is_manager(user):
        return True
    if not _is_staff(user):
        return False
    if user.pk in {proposal.practice_adviser_id, proposal.research_adviser_id}:
        return True
    from pine.intake.models import INVITED_STATUSES, ConsultationStatus

    # Recording needs the booked consultation; reading also covers one already held.
    statuses = [ConsultationStatus.BOOKED] if action == Action.RECORD_CONSULTATION else INVITED_STATUSES
    return proposal.consultations.filter(advisers=user, status__in=statuses).exists()


def _is_assigned_adviser(user: Any, project: Any) -> bool:
    return _is_staff(user) and user.pk in {project.practice_adviser_id, project.research_adviser_id}


def _project_rule(user: Any, action: Action, project: Any) -> bool:
    """Projects: the manager sees all; advisers their assigned projects; site people their organisation's."""
    if action == Action.LIST_PROJECTS:
        return _verified(user)
    if action in {Action.CREATE_PROJECT, Action.ASSIGN_ADVISERS, Action.APPROVE_PUBLIC_SUMMARY}:
        return _is_manager(user)
    if project is None:
        # The view's own gate: anyone signed in and verified goes on to the object check.
        return _verified(user)
    roles = site_roles(user, project.organisation_id)
    adviser = _is_assigned_adviser(user, project)
    if action == Action.VIEW_PROJECT:
        return _is_manager(user) or adviser or bool(roles)
    if action == Action.WORK_ON_PROJECT:
        # The site team does the stage work; the data protection officer reads and signs, but does not edit.
        return bool(roles & {"site_lead", "site_member"})
    if action == Action.CHANGE_PROJECT_SETTINGS:
        return _is_manager(user) or "site_lead" in roles
    if action == Action.REQUEST_CHECKPOINT:
        return "site_lead" in roles
    if action == Action.RUN_CHECKPOINT:
        return _is_manager(user) or adviser
    if action == Action.DECIDE_CHECKPOINT:
        return adviser
    if action == Action.MANAGE_ACTIONS:
        return _is_manager(user) or adviser or bool(roles & {"site_lead", "site_member"})
    raise ValueError(f"The policy has no rule for {action!r}.")


def _is_checkpoint(obj: Any) -> bool:
    from pine.journey.models import Checkpoint

    return isinstance(obj, Checkpoint)


def _decide_rule(user: Any, checkpoint: Any) -> bool:
    """A checkpoint's decision: an assigned adviser, or the one adviser whose judgement the stage asks for."""
    from pine.journey.stages import stage as stage_definition

    project = checkpoint.project
    if not _project_rule(user, Action.DECIDE_CHECKPOINT, project):
        return False
    decided_by = stage_definition(checkpoint.stage.number).decided_by
    if decided_by == "research_adviser":
        return user.pk == project.research_adviser_id
    if decided_by == "practice_adviser":
        return user.pk == project.practice_adviser_id
    return True


def _measure_rule(user: Any, action: Action, obj: Any) -> bool:
    """The measures library: everyone signed in reads it; the manager keeps the programme's measures; a site's
    team (lead and members) adds and changes its own organisation's measures."""
    if action == Action.LIST_MEASURES:
        return _verified(user)
    editors = {"site_lead", "site_member"}
    if action == Action.ADD_MEASURE:
        if _is_manager(user):
            return True
        if obj is None:
            return any(roles & editors for roles in _all_site_roles(user).values())
        return bool(site_roles(user, obj.pk) & editors)
    if action == Action.CHANGE_MEASURE:
        if obj is None:
            return _verified(user)
        if obj.organisation_id is None or _is_manager(user):
            return _is_manager(user)
        return bool(site_roles(user, obj.organisation_id) & editors)
    raise ValueError(f"The policy has no rule for {action!r}.")


def _collection_rule(user: Any, action: Action, obj: Any) -> bool:
    """Data collection (stage 5). Everyone who may see the project sees its questionnaires, waves and
    pseudonymised responses; the site team (lead and members) does the work; identifying details of participants
    are for the site lead and the data protection officer only, and an identifiable export for the officer only.
    """
    if action == Action.MANAGE_API_TOKENS:
        # `obj` is an organisation: its site lead issues and revokes the keys its systems use.
        if obj is None:
            return any("site_lead" in roles for roles in _all_site_roles(user).values())
        return "site_lead" in site_roles(user, obj.pk)
    if obj is None:
        return _verified(user)
    roles = site_roles(user, obj.organisation_id)
    if action in {Action.VIEW_COLLECTION, Action.EXPORT_RESPONSES}:
        return _is_manager(user) or _is_assigned_adviser(user, obj) or bool(roles)
    if action == Action.MANAGE_COLLECTION:
        return bool(roles & {"site_lead", "site_member"})
    if action == Action.VIEW_IDENTIFIERS:
        return bool(roles & {"site_lead", "dpo"})
    if action == Action.EXPORT_IDENTIFIABLE:
        return "dpo" in roles
    raise ValueError(f"The policy has no rule for {action!r}.")


def _api_rule(token: Any, action: Action, project: Any) -> bool:
    """The JSON API: `token` is an API token, good for its own organisation's projects and its scopes only."""
    if token is None or getattr(token, "revoked_at", True) is not None:
        return False
    scope = {Action.API_READ: "read", Action.API_WRITE: "write"}[action]
    if scope not in token.scopes:
        return False
    return project is None or project.organisation_id == token.organisation_id


def visible_api_projects(token: Any) -> models.QuerySet[Any]:
    from pine.journey.models import Project

    if token is None or token.revoked_at is not None:
        return Project.objects.none()
    return Project.objects.filter(organisation_id=token.organisation_id)


def visible_measures(user: Any) -> models.QuerySet[Any]:
    """The programme's measures, and a site's own; programme staff see every site's too."""
    from pine.modelling.models import Measure

    if _is_staff(user):
        return Measure.objects.all()
    if not _verified(user):
        return Measure.objects.none()
    return Measure.objects.filter(
        models.Q(organisation__isnull=True) | models.Q(organisation_id__in=list(_all_site_roles(user)))
    )


def measure_organisations(user: Any) -> list[int]:
    """The organisations whose measures this user may add (the manager may add to the programme's library)."""
    return [org for org, roles in _all_site_roles(user).items() if roles & {"site_lead", "site_member"}]


def visible_proposals(user: Any) -> models.QuerySet[Any]:
    from pine.intake.models import INVITED_STATUSES, Consultation, Proposal

    if _is_manager(user):
        return Proposal.objects.all()
    if _is_staff(user):
        # A subquery, not a join, so each proposal appears once and counts stay right.
        invited = Consultation.objects.filter(advisers=user, status__in=INVITED_STATUSES).values("proposal_id")
        return Proposal.objects.filter(
            models.Q(practice_adviser=user) | models.Q(research_adviser=user) | models.Q(pk__in=invited)
        )
    return Proposal.objects.none()


def visible_projects(user: Any) -> models.QuerySet[Any]:
    from pine.journey.models import Project

    if _is_manager(user):
        return Project.objects.all()
    if _is_staff(user):
        return Project.objects.filter(models.Q(practice_adviser=user) | models.Q(research_adviser=user))
    if not _verified(user):
        return Project.objects.none()
    return Project.objects.filter(organisation_id__in=list(_all_site_roles(user)))


def invitable_site_roles(user: Any, organisation: Any) -> list[str]:
    """Which site roles this user may give in an invitation to `organisation`."""
    if _is_manager(user):
        return ["site_lead", "site_member", "dpo"]
    if organisation is not None and "site_lead" in site_roles(user, organisation.pk):
        return ["site_member"]
    return []


def visible_organisations(user: Any) -> models.QuerySet[Any]:
    from pine.accounts.models import Organisation

    if _is_staff(user):
        return Organisation.objects.all()
    if not _verified(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).distinct()


def visible_invitations(user: Any) -> models.QuerySet[Any]:
    from pine.accounts.models import Invitation

    if _is_manager(user):
        return Invitation.objects.all()
    led = [org for org, roles in _all_site_roles(user).items() if "site_lead" in roles]
    return Invitation.objects.filter(organisation_id__in=led)


def _all_site_roles(user: Any) -> dict[int, set[str]]:
    if not _verified(user):
        return {}
    site_roles(user, 0)
    return dict(user._pine_memberships)


def authorize(user: Any, action: Action, obj: Any = None) -> None:
    """Raise PermissionDenied unless the user may do the action."""
    if not can(user, action, obj):
        raise PermissionDenied


def get_object_or_404(user: Any, action: Action, scope: models.QuerySet[ModelT], **lookup: Any) -> ModelT:
    """The object from the user's visible `scope`, or 404; then 403 unless the action is allowed on it."""
    try:
        obj = scope.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    authorize(user, action, obj)
    return obj


def requires(action: Action) -> Callable[[View], View]:
    """Wrap a view: anonymous people go to sign in; signed-in people without the permission get 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            authorize(request.user, action)
            return view(request, *args, **kwargs)

        setattr(wrapped, "pine_policy", action)  # noqa: B010 - a marker the URL walk test reads
        return wrapped

    return decorator


def public(view: View) -> View:
    """Mark a view as open to everyone, on purpose (the URL walk test accepts only marked views)."""
    setattr(view, "pine_policy", "public")  # noqa: B010 - a marker the URL walk test reads
    return view
