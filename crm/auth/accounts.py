"""Account operations shared by the CLI and the admin pages."""
from sqlalchemy import func, select

from crm.auth.models import Role, User
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
