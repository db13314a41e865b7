from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.enums import LabelledEnum, enum_column
from crm.core.models import Archivable, Audited, Timestamped, Versioned
from crm.extensions import db

if TYPE_CHECKING:
    from crm.auth.models import User
    from crm.contacts.models import Contact


class PartnerKind(LabelledEnum):
    UNIVERSITY = "university", _l("University")
    APPLIED_SCIENCES = "applied_sciences", _l("University of applied sciences")
    COLLEGE = "college", _l("College")
    VOCATIONAL = "vocational", _l("Vocational institute / TAFE")
    COMPANY = "company", _l("Company")
    GOVERNMENT = "government", _l("Government body")
    ASSOCIATION = "association", _l("Association / consortium")
    OTHER = "other", _l("Other")


class PartnerStatus(LabelledEnum):
    PROSPECT = "prospect", _l("Prospect")
    ACTIVE = "active", _l("Active")
    DORMANT = "dormant", _l("Dormant")
    ENDED = "ended", _l("Ended")


partner_tag = sa.Table(
    "partner_tag",
    db.metadata,
    sa.Column("partner_id", sa.ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(db.Model):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)

    def __str__(self) -> str:
        return self.name


class Partner(Audited, Archivable, Timestamped, Versioned, db.Model):
    __tablename__ = "partner"
    __table_args__ = (
        # The live partners (of a country) by name: a list's first page without sorting every
        # partner. Partial indexes: PostgreSQL orders by an index only after equalities, and
        # "archived_at IS NULL" is none.
        sa.Index("ix_partner_live_name", sa.func.lower(sa.literal_column("name")), "id",
                 sqlite_where=sa.text("archived_at IS NULL"), postgresql_where=sa.text("archived_at IS NULL")),
        sa.Index("ix_partner_live_country_name", "country", sa.func.lower(sa.literal_column("name")), "id",
                 sqlite_where=sa.text("archived_at IS NULL"), postgresql_where=sa.text("archived_at IS NULL")),
    )
    # Derived from the contact history, whose entries have their own history.
    __audit_ignore__ = Audited.__audit_ignore__ | {"last_contact_at", "interaction_count"}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    local_name: Mapped[str | None] = mapped_column(sa.String(200))
    short_name: Mapped[str | None] = mapped_column(sa.String(40))
    kind: Mapped[PartnerKind] = mapped_column(enum_column(PartnerKind))
    country: Mapped[str] = mapped_column(sa.String(2), index=True)  # ISO 3166-1 alpha-2
    city: Mapped[str | None] = mapped_column(sa.String(100))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    status: Mapped[PartnerStatus] = mapped_column(
        enum_column(PartnerStatus), default=PartnerStatus.ACTIVE, index=True
    )
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # Set when this partner was merged into another (crm/imports/merge.py); it is then archived.
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partner.id"))
    # The latest interaction's time (naive UTC), stored for lists to sort and filter by: owned by
    # crm/interactions (last_contact.py keeps it on every write; read it through its queries).
    last_contact_at: Mapped[datetime | None] = mapped_column(index=True)
    # How many interactions are logged with the partner, stored by the same owner and hook:
    # the home page's "logged interactions" adds up partners, not 200,000 interactions.
    interaction_count: Mapped[int] = mapped_column(default=0, server_default="0")

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    merged_into: Mapped[Partner | None] = relationship(remote_side=[id], foreign_keys=[merged_into_id])
    tags: Mapped[list[Tag]] = relationship(secondary=partner_tag, order_by=Tag.name)
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="partner", order_by="(Contact.is_primary.desc(), Contact.name)"
    )

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.local_name})" if self.local_name else self.name


class PartnerSearch(db.Model):
    """A partner's search document: what the partner search (crm/partners/search.py) matches
    words against, casefolded. Kept current by crm/partners/search_index.py; never edited."""

    __tablename__ = "partner_search"
    __table_args__ = (
        # PostgreSQL: a trigram index that serves LIKE '%word%' on the document (pg_trgm); the
        # document with the contacts has its own (ix_partner_search_text_trigram, below).
        sa.Index(
            "ix_partner_search_trigram", "document", postgresql_using="gin",
            postgresql_ops={"document": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        # PostgreSQL: the documents in the partners' name order, to walk for a common word
        # (search_index.walk_by_name; the text stays in the table: a B-tree entry has a size limit).
        sa.Index("ix_partner_search_name_order", "name_key", "partner_id").ddl_if(dialect="postgresql"),
        # SQLite: the documents in the partners' name order, text included, so that a list can
        # walk them in order testing a common word without a lookup per partner
        # (search_index.walk_by_name).
        sa.Index("ix_partner_search_name_walk", "name_key", "partner_id", "document", "contacts").ddl_if(dialect="sqlite"),
    )

    partner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    # lower(partner.name) as the database computes it: the list's name order.
    name_key: Mapped[str] = mapped_column(sa.String(200), server_default="")
    # Names in every script, short name, city and tags, one per line.
    document: Mapped[str] = mapped_column(sa.Text, default="")
    # The active contacts' names and e-mails, one per line (erased and former contacts: none).
    contacts: Mapped[str] = mapped_column(sa.Text, default="")
    # The partner's country and whether it is live (not archived), copied by triggers on
    # `partner` (search_index.py): a search's matches, with their countries, come from the
    # documents alone, without reading each match's partner row.
    country: Mapped[str] = mapped_column(sa.String(2), server_default="")
    live: Mapped[bool] = mapped_column(server_default=sa.true())


def partner_search_text(table: sa.Table | None = None) -> sa.ColumnElement[str]:
    """A partner's whole searchable text: its document, a space, its contacts. A search word
    holds no space, so it is in this text exactly when it is in one of the two."""
    table = table if table is not None else PartnerSearch.__table__
    return table.c.document + sa.literal_column("' '", sa.Text) + table.c.contacts


# PostgreSQL: one trigram index over the whole text, so that a search including the contacts is
# a single LIKE that the planner serves from the index (over two columns, an OR of two LIKEs,
# it read every document for a common word such as "university").
sa.Index(
    "ix_partner_search_text_trigram", partner_search_text().label("text"), postgresql_using="gin",
    postgresql_ops={"text": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")


class PartnerCountryCount(db.Model):
    """How many live (not archived) partners a country has: the partner list's country counts
    without counting every partner. Kept by triggers on `partner` (crm/partners/country_counts.py)."""

    __tablename__ = "partner_country_count"

    country: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    partners: Mapped[int] = mapped_column(default=0, server_default="0")


def _create_country_count_triggers(target, connection, **kw) -> None:
    from crm.partners.country_counts import create_triggers

    create_triggers(connection)  # their bodies name partner_country_count, created in the same run


def _drop_country_count_triggers(target, connection, **kw) -> None:
    from crm.partners.country_counts import drop_triggers

    drop_triggers(connection)


sa.event.listen(Partner.__table__, "after_create", _create_country_count_triggers)
sa.event.listen(Partner.__table__, "before_drop", _drop_country_count_triggers)
