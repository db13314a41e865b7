"""The report's summary: the office's figures grouped at the grains the yearly report reads, kept
by the writes (crm/reports/summary.py), so that a report reads a few thousand grouped rows instead
of every outcome and record of its years.

Each row is a sum of one source: typed outcomes (`source` "outcomes", every approved one, whether
or not records count its category and year: the rule is applied when they are read, by `Figures`
in crm/reports/sources.py) or one kind of record ("experts", "trips", "visits", "programmes").
Typed outcomes carry their year, so their rows hold for both year kinds (`year_kind` "any"); the
records are counted in academic and in calendar years (`year_kind` "academic", "calendar"), so a
change of REPORT_YEAR_KIND reads the other rows. Derived rows: no audit, no version, no foreign
keys (a partner's or agreement's id is a key of the grouping)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db
from crm.outcomes.models import academic_year_of

TYPED = "outcomes"  # the source of typed outcomes' rows
ANY_KIND = "any"  # the year kind of typed outcomes' rows
# A row of report_total that says the records' figures are not summed yet (the migration that
# created the summary could not sum them): the report says so until `flask reports summarise`.
UNSUMMED = {"year": 0, "category": "records", "source": "unsummed", "year_kind": ANY_KIND, "total": 0}

# Clustered on the key where the database can (SQLite WITHOUT ROWID): a range of years reads
# the rows themselves, in order.
_CLUSTERED = {"sqlite_with_rowid": False}


class ReportTotal(db.Model):
    """(year, category) → total: each figure once (totals by category and year)."""

    __tablename__ = "report_total"
    __table_args__ = (_CLUSTERED,)

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    category: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    year_kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    total: Mapped[int] = mapped_column(sa.BigInteger)


class ReportCountry(db.Model):
    """(year, category, country) → total: a figure once for each of its countries."""

    __tablename__ = "report_country"
    __table_args__ = (_CLUSTERED,)

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    category: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    country: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    year_kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    total: Mapped[int] = mapped_column(sa.BigInteger)


class ReportPartner(db.Model):
    """(year, category, partner) → total: a figure once for each of its partners."""

    __tablename__ = "report_partner"
    __table_args__ = (
        sa.Index("ix_report_partner_partner", "partner_id", "year"),
        _CLUSTERED,
    )

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    category: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    partner_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    year_kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    total: Mapped[int] = mapped_column(sa.BigInteger)


class ReportPartnerYear(db.Model):
    """(year kind, year, partner) → what counts of the partner's figures that year, every category
    together, the records-win rule applied (typed outcomes of a category and year that records
    count left out): one row a partner and year, for ranking the partners over a range of years.
    Summed from report_partner and report_total whenever they change."""

    __tablename__ = "report_partner_year"
    __table_args__ = (_CLUSTERED,)

    year_kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)  # "academic" or "calendar"
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    partner_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    total: Mapped[int] = mapped_column(sa.BigInteger)


class ReportTypedSubject(db.Model):
    """Typed outcomes only: (category, agreement or partner alone, year) → total, for the largest
    subjects of each category (the narrative): clustered by category and subject, so that summing a
    category's subjects over years reads them in order, without sorting."""

    __tablename__ = "report_typed_subject"
    __table_args__ = (_CLUSTERED,)

    category: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    agreement_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # 0: none
    partner_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # of an outcome without agreement, else 0
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    total: Mapped[int] = mapped_column(sa.BigInteger)


class ReportIndicator(db.Model):
    """Typed outcomes only: (year, category, indicator) → total and how many outcomes, for the
    国际影响表 (the records-win rule decides per category and year which count)."""

    __tablename__ = "report_indicator"
    __table_args__ = (_CLUSTERED,)

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    category: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    indicator_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    total: Mapped[int] = mapped_column(sa.BigInteger)
    outcomes: Mapped[int]


class ReportRecordSubject(db.Model):
    """Records only: (year, category, partners, agreement) → total, for who a figure came from (the
    narrative) and what records deliver on an agreement (promised vs delivered). `partners` is
    the sorted partner ids joined by commas ("" for none), `agreement_id` 0 for none. Clustered by
    year kind, category and subject: a category's subjects are summed over years in order."""

    __tablename__ = "report_record_subject"
    __table_args__ = (sa.Index("ix_report_record_subject_agreement", "agreement_id", "year"), _CLUSTERED)

    year_kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    partners: Mapped[str] = mapped_column(sa.String(1000), primary_key=True)
    agreement_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    total: Mapped[int] = mapped_column(sa.BigInteger)


def kept_ranges(today) -> set[tuple[int, int]]:
    """The ranges of years whose sums the range tables keep (`ReportKeptRange`), for the report's
    usual views on `today`: this year, the last 3, 5 and 10 years (the filter's choices) and the 3
    years before this one (the default view before this year has an outcome), for this year in
    both year kinds (calendar, and academic from 1 September: they differ from January to
    August). Every other range is summed from the yearly rows."""
    this_years = {today.year, academic_year_of(today)}
    return {(year - length + 1, year) for year in this_years for length in (1, 3, 5, 10)} | {(year - 3, year - 1) for year in this_years}


class ReportKeptRange(db.Model):
    """A range of years (`first`..`last`) whose sums report_subject_range and report_partner_range
    hold: the writes keep the ranges listed here (and only these); `store_summary` and `flask
    setup` list the ranges of the day (`kept_ranges`) anew once they change (a new year)."""

    __tablename__ = "report_kept_range"
    __table_args__ = (_CLUSTERED,)

    first: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


class ReportSubjectRange(db.Model):
    """report_typed_subject summed over each kept range (`ReportKeptRange`), for the categories
    whose largest subjects the narrative names (crm/reports/sources.py: SUBJECT_CATEGORIES): a
    category's largest subjects of a range are its first rows in ix_report_subject_range_rank
    (LIMIT), not a sum of every subject's years."""

    __tablename__ = "report_subject_range"
    __table_args__ = (_CLUSTERED,)

    first: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    category: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    agreement_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # 0: none
    partner_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # of an outcome without agreement, else 0
    total: Mapped[int] = mapped_column(sa.BigInteger)


# the largest first, ties in the order of the subject (what a sum of the yearly rows orders by)
sa.Index("ix_report_subject_range_rank", ReportSubjectRange.first, ReportSubjectRange.last, ReportSubjectRange.category,
         ReportSubjectRange.total.desc(), ReportSubjectRange.agreement_id, ReportSubjectRange.partner_id)


class ReportPartnerRange(db.Model):
    """report_partner's typed rows summed over each kept range (`ReportKeptRange`), for the
    categories that records never count (crm/reports/sources.py: RANGE_PARTNER_CATEGORIES: there
    every typed figure counts): the largest partners of a range in such a category are the first
    rows of ix_report_partner_range_rank (LIMIT), not a sum of every partner's years."""

    __tablename__ = "report_partner_range"
    __table_args__ = (_CLUSTERED,)

    first: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    category: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    partner_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    total: Mapped[int] = mapped_column(sa.BigInteger)


sa.Index("ix_report_partner_range_rank", ReportPartnerRange.first, ReportPartnerRange.last, ReportPartnerRange.category,
         ReportPartnerRange.total.desc(), ReportPartnerRange.partner_id)


SUMMARY_TABLES = (ReportTotal.__table__, ReportCountry.__table__, ReportPartner.__table__, ReportPartnerYear.__table__,
                  ReportTypedSubject.__table__, ReportIndicator.__table__, ReportRecordSubject.__table__, ReportKeptRange.__table__,
                  ReportSubjectRange.__table__, ReportPartnerRange.__table__)
