"""`flask reminders send`: each owner gets one digest a day of their agreements in the renewal
window and their overdue follow-ups, by SMTP (MAIL_* settings) or, without MAIL_SERVER, in the log.
A digest also lists the owner's partners that have gone quiet (crm/partners/activity.py); they do
not send a digest by themselves (a daily e-mail about silence alone would be noise)."""
from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from crm.agreements.models import DEFAULT_RENEWAL_WINDOW_DAYS, Agreement
from crm.agreements.queries import act_by_column, renewals_due_statement
from crm.auth.models import User
from crm.core.deadlines import Deadline, deadlines_due
from crm.core.links import external_url
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.followups.queries import group_condition, not_archived
from crm.partners.activity import QuietPartner, quiet_partners_by_owner
from crm.reminders.models import ReminderDigest


# Other domains' deadlines (crm/core/deadlines.py) enter the digest this many days ahead.
DEADLINES_AHEAD_DAYS = 14


@dataclass
class Digest:
    user: User
    agreements: list[Agreement] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    quiet_partners: list[QuietPartner] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.agreements and not self.follow_ups and not self.deadlines


class DigestLinks:
    """Absolute links from BASE_URL to each item of a digest (None without BASE_URL)."""

    def __init__(self):
        self.home = external_url("dashboard.home")

    def agreement(self, agreement: Agreement) -> str | None:
        return external_url("agreements.show", agreement_id=agreement.id)

    def follow_up(self, follow_up: FollowUp) -> str | None:
        """The page that holds the follow-up: its agreement, proposal or partner."""
        if follow_up.agreement_id:
            return external_url("agreements.show", agreement_id=follow_up.agreement_id)
        if follow_up.proposal_id:
            return external_url("proposals.show", proposal_id=follow_up.proposal_id)
        if follow_up.interaction is not None:
            return external_url("partners.show", partner_id=follow_up.interaction.partner_id)
        return external_url("followups.index")

    def deadline(self, deadline: Deadline) -> str | None:
        """The page where another domain's deadline is dealt with (as the home page links it)."""
        values = dict(deadline.values)
        anchor = values.pop("_anchor", None)  # url_for's, not the URL map's
        url = external_url(deadline.endpoint, **values)
        return f"{url}#{anchor}" if url and anchor else url


@dataclass
class RunReport:
    sent: int = 0
    already_sent: int = 0
    failed: list[str] = field(default_factory=list)


def build_digests(today: date) -> list[Digest]:
    """The non-empty digests of active users, in four statements (plus one per deadline source)
    whatever their number."""
    users = {u.id: u for u in db.session.scalars(select(User).where(User.active.is_(True)))}
    digests = {user_id: Digest(user) for user_id, user in users.items()}
    agreements = db.session.scalars(
        renewals_due_statement(today, DEFAULT_RENEWAL_WINDOW_DAYS)
        .where(Agreement.owner_id.in_(users))
        .options(selectinload(Agreement.partners))
        .order_by(act_by_column(), Agreement.title)
    )
    for agreement in agreements:
        digests[agreement.owner_id].agreements.append(agreement)
    follow_ups = db.session.scalars(
        select(FollowUp)
        .where(FollowUp.done.is_(False), group_condition("overdue", today), FollowUp.assignee_id.in_(users), not_archived())
        .options(joinedload(FollowUp.agreement), joinedload(FollowUp.interaction), joinedload(FollowUp.proposal))
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    for follow_up in follow_ups:
        digests[follow_up.assignee_id].follow_ups.append(follow_up)
    for deadline in deadlines_due(set(users), today, today + timedelta(days=DEADLINES_AHEAD_DAYS)):
        if deadline.owner_id in digests:
            digests[deadline.owner_id].deadlines.append(deadline)
    for owner_id, quiet in quiet_partners_by_owner(users, today).items():
        digests[owner_id].quiet_partners = quiet
    return [d for d in digests.values() if not d.is_empty]


def compose(digest: Digest, today: date) -> EmailMessage:
    """The digest as a plain-text e-mail in the user's language (no HTML: nothing to inject)."""
    config = current_app.config
    with force_locale(digest.user.locale or config["BABEL_DEFAULT_LOCALE"]):
        subject = _(
            "Partner CRM: %(agreements)d agreements to renew, %(follow_ups)d overdue follow-ups",
            agreements=len(digest.agreements),
            follow_ups=len(digest.follow_ups),
        )
        # Rendered without the page context processors: there is no request (nor current user) here.
        body = current_app.jinja_env.get_template("reminders/digest.txt").render(digest=digest, today=today, links=DigestLinks())
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = formataddr((digest.user.name, digest.user.email))
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    message.set_content(body)
    return message


class Mailer:
    """SMTP when MAIL_SERVER is set (one connection for the run), the log otherwise."""

    def __init__(self):
        self.config = current_app.config
        self.connection: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        if not self.config.get("MAIL_SERVER"):
            # The log escapes line breaks and cuts long lines, so the digest goes out line by line.
            current_app.logger.info("reminder digest for %s (no MAIL_SERVER set): %s", message["To"], message["Subject"])
            for line in message.get_content().splitlines():
                if line.strip():
                    current_app.logger.info("reminder digest for %s | %s", message["To"], line)
            return
        if self.connection is None:
            self.connection = smtplib.SMTP(self.config["MAIL_SERVER"], self.config["MAIL_PORT"], timeout=30)
            if self.config.get("MAIL_USE_TLS"):
                self.connection.starttls()
            if self.config.get("MAIL_USERNAME"):
                self.connection.login(self.config["MAIL_USERNAME"], self.config.get("MAIL_PASSWORD") or "")
        self.connection.send_message(message)

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except smtplib.SMTPException:
                pass
            self.connection = None


def send_reminders(today: date) -> RunReport:
    """Send each owner's digest unless it already went out today; a failure skips that user only."""
    report = RunReport()
    already = set(db.session.scalars(select(ReminderDigest.user_id).where(ReminderDigest.sent_on == today)))
    mailer = Mailer()
    try:
        for digest in build_digests(today):
            if digest.user.id in already:
                report.already_sent += 1
                continue
            try:
                mailer.send(compose(digest, today))
            except (smtplib.SMTPException, OSError) as error:
                current_app.logger.error("reminder digest to %s failed: %s", digest.user.email, error)
                report.failed.append(digest.user.email)
                mailer.close()
                continue
            db.session.add(
                ReminderDigest(user_id=digest.user.id, sent_on=today, agreements=len(digest.agreements), follow_ups=len(digest.follow_ups))
            )
            db.session.commit()
            report.sent += 1
    finally:
        mailer.close()
    return report
