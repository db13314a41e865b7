from __future__ import annotations

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from crm.audit.labels import name_fields
from crm.core.models import Archivable, Audited, Timestamped, Versioned
from crm.extensions import db


class School(Audited, Archivable, Timestamped, Versioned, db.Model):
    """One of the college's schools (二级学院): its outcomes are reported by its liaison."""

    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(200))

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the reader's language."""
        locale = get_locale()
        return self.name_zh if locale is not None and locale.language == "zh" else self.name_en


# The change history's names of this domain's fields, and of a user's or an outcome's school.
name_fields({"name_zh": _l("Name in Chinese"), "name_en": _l("Name in English"), "school_id": _l("School")})
