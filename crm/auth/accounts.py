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


def create_user(email: str, name: str, role: Role, password: str, locale: str | None = None,
                school_id: int | None = None) -> User:
    """A new user; `school_id` only for a liaison (their school)."""
    user = User(email=normalise_email(email), name=name.strip(), role=role, locale=locale,
                school_id=school_id if role == Role.LIAISON else None)
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


def would_remove_last_admin(user: User, new_role: Role, new_active: bool) -> bool:
    """At least one active administrator must remain: the admin pages and `flask users` both ask."""
    losing_admin = user.is_admin and user.active and (new_role != Role.ADMIN or not new_active)
    return losing_admin and active_admin_count() <= 1


# Logging in and out are not edits of the user record: these two statements leave its version
# (and so any admin's open edit form) alone, and the log, not the audit, records them.
def record_login(user: User) -> None:
    db.session.execute(update(User).where(User.id == user.id).values(last_login_at=utcnow()))


def end_sessions_at_logout(user: User) -> None:
    db.session.execute(
        update(User).where(User.id == user.id).values(session_token=secrets.token_urlsafe(32))
    )
