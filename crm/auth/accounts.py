"""Account operations shared by the CLI and the admin pages."""
import secrets

from sqlalchemy import func, select, update

from crm.auth.models import Role, User
from crm.core.models import utcnow
from crm.extensions import db


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(email: str, name: str, role: Role, password: str, locale: str | None = None) -> User:
    user = User(email=normalise_email(email), name=name.strip(), role=role, locale=locale)
    user.set_password(password)
    db.session.add(user)
    return user


def deactivate(user: User) -> None:
    user.active = False
    user.end_all_sessions()


def active_admin_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active.is_(True))
    )


# Logging in and out are not edits of the user record: these two statements leave its version
# (and so any admin's open edit form) alone, and the log, not the audit, records them.
def record_login(user: User) -> None:
    db.session.execute(update(User).where(User.id == user.id).values(last_login_at=utcnow()))


def end_sessions_at_logout(user: User) -> None:
    db.session.execute(
        update(User).where(User.id == user.id).values(session_token=secrets.token_urlsafe(32))
    )
