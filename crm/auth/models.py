import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from crm.core.enums import LabelledEnum, enum_column
from crm.core.models import Audited, Timestamped, Versioned
from crm.extensions import db


def _password_hash_method() -> str:
    """scrypt with werkzeug's parameters (PASSWORD_HASH_METHOD); only the testing configuration
    lowers its cost, since the suite creates and logs in thousands of users."""
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"


class Role(LabelledEnum):
    ADMIN = "admin", _l("Administrator")
    STAFF = "staff", _l("Staff")
    VIEWER = "viewer", _l("Viewer")
    # A school's 外事联络员: enters outcomes for their own school (the office approves them) and
    # otherwise reads like a viewer.
    LIAISON = "liaison", _l("School liaison")


class User(Audited, Timestamped, Versioned, UserMixin, db.Model):
    __tablename__ = "user"
    __audit_secret__ = frozenset({"password_hash", "session_token", "calendar_token"})

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.STAFF)
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255), default="!")
    # Changing the token ends every session of the user (logout, deactivation, new password).
    session_token: Mapped[str] = mapped_column(sa.String(64), default=lambda: secrets.token_urlsafe(32))
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    last_login_at: Mapped[datetime | None]
    school_id: Mapped[int | None] = mapped_column(sa.ForeignKey("school.id"), index=True)  # a liaison's school

    def __repr__(self) -> str:
        return f"<User {self.email}>"

    def __str__(self) -> str:
        return self.name

    # Flask-Login identifies a session by id *and* token, so a new token ends old sessions.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=_password_hash_method())
        self.end_all_sessions()

    def check_password(self, password: str) -> bool:
        if not self.password_hash or self.password_hash == "!":
            return False
        return check_password_hash(self.password_hash, password)

    def end_all_sessions(self) -> None:
        self.session_token = secrets.token_urlsafe(32)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_liaison(self) -> bool:
        return self.active and self.role == Role.LIAISON and self.school_id is not None

    @property
    def can_edit(self) -> bool:
        return self.active and self.role in (Role.ADMIN, Role.STAFF)


class FailedLogin(db.Model):
    """One wrong password (or unknown e-mail) given for an account: the per-account lockout
    counts these rows, so every worker and process shares the count (as django-axes does)."""

    __tablename__ = "failed_login"

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(sa.String(254), index=True)
    address: Mapped[str | None] = mapped_column(sa.String(64))
    attempted_at: Mapped[datetime] = mapped_column(index=True)
