from sqlalchemy import select

from crm.extensions import db
from crm.schools.models import School


def active_schools() -> list[School]:
    return db.session.scalars(select(School).where(School.archived_at.is_(None)).order_by(School.name_zh)).all()


def school_choices() -> list[tuple[int, str]]:
    return [(school.id, school.name) for school in active_schools()]
