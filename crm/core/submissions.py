"""A create form is saved once, even without JavaScript.

A slow plain POST sent twice (a double click, Enter again, a reload that posts again) would
otherwise create two records. Every create form (crm.core.forms.SentOnce) carries a one-time
token, made when the form is first shown and kept while it comes back with errors. The
request whose form validates with a token writes a FormSubmission row (keyed by the token and
a digest of what the form says, its files too) in the same transaction as what it creates (the session's
before_flush), and, once answered, where its answer led (a redirect's address). A later POST
of the same token saying the same creates nothing: it is sent on to
where the first one led (303), or, when the first answered in place (an htmx fragment), told
that it was saved once. Two POSTs at the same moment cannot both commit: the token is the
table's key, so the second one's commit fails and is answered the same way.

The rows are kept in the database, not in the (cookie) session: the second POST of a double
click leaves with the cookie the first had, before the first's answer came. A user's rows
older than KEPT_FOR go when a new one is written, so the table stays small.
"""
import hashlib
import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, flash, g, has_request_context, redirect, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm.core.models import utcnow
from crm.extensions import db

KEPT_FOR = timedelta(days=2)
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,39}$")  # with its digest, the key fits the column
MESSAGE = _l("This form had already been sent: what it saves was saved once, not again.")


class FormSubmission(db.Model):
    """A create form's token, once what it created was committed, and where its answer led."""

    __tablename__ = "form_submission"
    __table_args__ = (sa.Index("ix_form_submission_user_created", "user_id", "created_at"),)

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    location: Mapped[str | None] = mapped_column(sa.String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AlreadySent(Exception):
    """A create form posted again with a token already used: answered by `answer_repeat`."""

    def __init__(self, location: str | None):
        super().__init__("form already sent")
        self.location = location


def used(token: str) -> FormSubmission | None:
    return db.session.get(FormSubmission, token)


def expect(token: str | None) -> None:
    """A create form with `token` was found valid: raise AlreadySent when the same form said the
    same before, else write its key with the request's next commit. A token missing or malformed
    guards nothing."""
    if not token or not TOKEN.match(token) or not current_user.is_authenticated:
        return
    key = f"{token}.{_what_the_form_says()}"
    if (earlier := used(key)) is not None:
        raise AlreadySent(earlier.location)
    g.form_submission = g.form_submission_sent = key
    g.form_submission_token = token


def spent(token: str) -> bool:
    """`token` is the one this request's valid create form came with (a form built after it, to
    be shown again, needs a token of its own)."""
    return has_request_context() and g.get("form_submission_token") == token


def _what_the_form_says() -> str:
    """A digest of the posted fields, the tokens aside. A form sent again says the same; a form
    that says something else under the same token is a new record: a page restored by Back
    and changed, or a form htmx left in place and filled in again."""
    fields = sorted((name, value) for name, value in request.form.items(multi=True)
                    if not name.endswith(("csrf_token", "submission")))
    digest = hashlib.sha256(repr(fields).encode())
    for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
        # a file is part of what the form says: another file chosen in the same form is a new upload
        digest.update(f"{name}\0{upload.filename}\0".encode())
        for chunk in iter(lambda: upload.stream.read(1 << 16), b""):
            digest.update(chunk)
        upload.stream.seek(0)
    return digest.hexdigest()[:24]


def _write_pending(session: Session, _flush_context, _instances) -> None:
    """With the request's first flush that inserts a record after the form was found valid:
    the token goes into the same transaction as what the form creates (a valid form whose view
    creates nothing, e.g. a partner's possible duplicates shown first, uses no token)."""
    if not has_request_context() or not session.new or not (token := g.pop("form_submission", None)):
        return
    session.execute(sa.delete(FormSubmission).where(FormSubmission.user_id == current_user.id,
                                                   FormSubmission.created_at < utcnow() - KEPT_FOR))
    session.add(FormSubmission(token=token, user_id=current_user.id))
    g.form_submission_written = token


def _remember_location(response):
    token = g.pop("form_submission_written", None)
    location = response.headers.get("HX-Redirect") or response.headers.get("HX-Location") or (
        response.location if 300 <= response.status_code < 400 else None)
    if token and location and response.status_code < 400:
        try:
            db.session.execute(sa.update(FormSubmission).where(FormSubmission.token == token).values(location=location[:2000]))
            db.session.commit()
        except OperationalError:  # the database busy: what was created stays; a repeat is told in words
            db.session.rollback()
    return response


def answer_repeat(location: str | None):
    """The answer to a create form sent again: on to where the first led, or the message."""
    from crm.core.errors import render_error

    db.session.rollback()
    if location:
        flash(str(MESSAGE), "info")
        return redirect(location, 303)
    return render_error(409, str(MESSAGE), title=_l("Already saved"))


def _is_repeat(error: IntegrityError) -> bool:
    return "form_submission" in str(error.orig)


def init_app(app: Flask) -> None:
    if not event.contains(Session, "before_flush", _write_pending):
        event.listen(Session, "before_flush", _write_pending)
    app.after_request(_remember_location)

    from crm.core.errors import render_error

    def handle_already_sent(error: AlreadySent):
        return answer_repeat(error.location)

    def handle_integrity(error: IntegrityError):
        db.session.rollback()
        if not _is_repeat(error):
            app.logger.exception("unhandled error")
            return render_error(500)
        token = g.get("form_submission_sent")
        earlier = used(token) if token else None
        return answer_repeat(earlier.location if earlier else None)

    app.register_error_handler(AlreadySent, handle_already_sent)
    app.register_error_handler(IntegrityError, handle_integrity)
