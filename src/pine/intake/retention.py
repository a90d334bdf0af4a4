"""Retention for proposals: declined and withdrawn proposals are deleted once their retention period has passed.

Deleting a proposal deletes what hangs from it: the emails kept on it, its questions and answers, and its
consultations. Expired saved drafts go too. The audit log records how many were deleted and nothing more, since
it is append-only; its earlier events name a proposal only by its reference (see docs/data-protection.md).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pine.core import audit
from pine.core.models import AuditAction
from pine.intake.models import Proposal, ProposalDraft, ProposalStatus

PRUNED = [ProposalStatus.DECLINED, ProposalStatus.WITHDRAWN]
SCHEDULED = "PINE (scheduled deletion)"


def expired_proposals(*, days: int, now: dt.datetime | None = None) -> list[int]:
    """The ids of declined and withdrawn proposals decided more than `days` days ago."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    decided_before = Q(decided_at__lte=cutoff) | Q(decided_at__isnull=True, submitted_at__lte=cutoff)
    return list(Proposal.objects.filter(decided_before, status__in=PRUNED).values_list("pk", flat=True))


@transaction.atomic
def proposals_prune(*, days: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete declined and withdrawn proposals past the retention period (PINE_PROPOSAL_RETENTION_DAYS), and
    expired saved drafts; record the count in the audit log. Safe to run as often as you like."""
    days = settings.PINE_PROPOSAL_RETENTION_DAYS if days is None else days
    now = now or timezone.now()
    ids = expired_proposals(days=days, now=now)
    if ids:
        Proposal.objects.filter(pk__in=ids).delete()
    drafts, _ = ProposalDraft.objects.filter(expires_at__lte=now).delete()
    if ids or drafts:
        audit.record(
            action=AuditAction.DELETED,
            actor=None,
            actor_label=SCHEDULED,
            changes={
                "declined or withdrawn proposals deleted": [0, len(ids)],
                "expired saved drafts deleted": [0, drafts],
                "retention days": [None, days],
            },
        )
    return len(ids)
