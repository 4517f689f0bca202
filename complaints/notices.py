"""What the complainant is told, by e-mail (Django's mail backend: the console in the demo):
at filing (with the link to follow it, which for a voter without an account is also the proof
that the address is theirs), and at registration, return, hearing and decision.

The link carries the complaint's id and its own random key (``Complaint.follow_key``), compared
in constant time: it cannot be guessed, and no key the site holds forges another complaint's.
A notice is sent once the move has committed, so a refused or rolled-back move tells nobody
anything.
"""

import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from complaints.models import Complaint


def follow_token(complaint: Complaint) -> str:
    return f"{complaint.pk}-{complaint.follow_key}"


def complaint_from_token(token: str) -> Complaint | None:
    """The complaint a follow link names, or None for a link that is not one of ours."""
    pk, _sep, key = token.partition("-")
    if not (pk.isascii() and pk.isdigit() and len(pk) < 19 and key):
        return None
    complaint = Complaint.objects.select_related("election").filter(pk=int(pk)).first()
    if complaint is None or not hmac.compare_digest(complaint.follow_key.encode(), key.encode()):
        return None
    return complaint


def follow_url(complaint: Complaint) -> str:
    path = reverse("complaints:follow", args=[follow_token(complaint)])
    return settings.SITE_URL.rstrip("/") + path


def notify(complaint: Complaint, what: str) -> None:
    """Mail the complainant what happened, after the commit; a contact that is not an e-mail
    address (a phone number) gets nothing."""
    try:
        validate_email(complaint.complainant_contact)
    except ValidationError:
        return
    transaction.on_commit(lambda: _send(complaint, what))


def _send(complaint: Complaint, what: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Complaint %(complaint)s: %(what)s") % {"complaint": complaint, "what": what}
        lines = [
            _("Your complaint about: %(subject)s") % {"subject": complaint.subject[:200]},
            _("Status: %(status)s") % {"status": complaint.get_status_display()},
        ]
        if complaint.deadline:
            lines.append(_("To be decided by: %(when)s") % {"when": complaint.deadline.isoformat()})
        if complaint.defects and complaint.status == Complaint.Status.RETURNED:
            lines.append(_("Returned for: %(defects)s") % {"defects": "; ".join(complaint.defects)})
        if complaint.hearing_at:
            lines.append(
                _("Hearing: %(when)s, %(place)s %(link)s")
                % {
                    "when": complaint.hearing_at.isoformat(),
                    "place": complaint.hearing_place,
                    "link": complaint.hearing_link,
                }  # fmt: skip
            )
        if complaint.outcome:
            lines.append(_("Decision: %(outcome)s") % {"outcome": complaint.get_outcome_display()})
        lines.append(_("Follow it here: %(url)s") % {"url": follow_url(complaint)})
    send_mail(
        subject, "\n\n".join(lines), settings.DEFAULT_FROM_EMAIL,
        [complaint.complainant_contact], fail_silently=False,
    )  # fmt: skip
