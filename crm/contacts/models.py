from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.markers import ERASED_CONTACT
from crm.core.models import Audited, Timestamped, Versioned
from crm.extensions import db

if TYPE_CHECKING:
    from crm.partners.models import Partner

# An erased contact keeps its row (so that the interactions it took part in still list a
# participant) but none of the person's data: its name becomes this marker, shown translated
# as "erased contact" wherever the contact is printed (`str(contact)`, `contact.display_name`).
ERASED_NAME = ERASED_CONTACT  # crm/core/markers.py: shown in the reader's language
ERASED_LABEL = _l("erased contact")


class Contact(Audited, Timestamped, Versioned, db.Model):
    """A person at a partner. Erased (not archived) on a data-protection request."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partner.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[str | None] = mapped_column(sa.String(120))
    department: Mapped[str | None] = mapped_column(sa.String(120))
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    messaging: Mapped[str | None] = mapped_column(sa.String(120))  # e.g. "WeChat: li_wei"
    preferred_language: Mapped[str | None] = mapped_column(sa.String(40))
    is_primary: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str | None] = mapped_column(sa.Text)

    partner: Mapped[Partner] = relationship(back_populates="contacts")

    @hybrid_property
    def erased(self) -> bool:
        """Erased on a data-protection request (usable in queries: `~Contact.erased`)."""
        return self.name == ERASED_NAME

    @property
    def display_name(self) -> str:
        return str(ERASED_LABEL) if self.erased else self.name

    def __str__(self) -> str:
        return self.display_name
