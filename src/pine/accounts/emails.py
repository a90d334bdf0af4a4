"""Email tasks for accounts: each takes ids only and builds its message when it runs (see core/notify.py)."""

from __future__ import annotations

import secrets

from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from pine.accounts.models import Invitation
from pine.core import notify


@task()
def send_invitation(*, invitation_id: int) -> None:
    """Email an invitation's link. The link's token is made here, so it never waits in the task table; an
    invitation used, withdrawn or expired by now gets no email."""
    from pine.accounts.services import hash_token

    invitation = Invitation.objects.select_related("invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        notify.skipped("invitation", invitation_id=invitation_id)
        return
    token = secrets.token_urlsafe(32)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_token(token))
    notify.deliver(
        to=invitation.email,
        subject="You have been invited to PINE",
        body=notify.render_email(
            "email/invitation.txt",
            {
                "invitation": invitation,
                "inviter": invitation.invited_by,
                "path": reverse("accounts:invitation-accept", kwargs={"token": token}),
            },
        ),
    )
