"""The queries behind the partner directory: search, filters, list columns, facets, countries.

Search is a plain `LIKE '%term%'` scan (case-insensitive, `%` and `_` typed by a user match
themselves). That is deliberate: most Chinese words are one or two characters (德国, 重庆),
which a trigram index cannot match, and a scan of ten thousand partners is fast enough.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from crm.agreements.models import Agreement, AgreementDecision, agreement_partner
from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.core.i18n import country_names
from crm.core.models import utcnow
from crm.core.search import MAX_TERM_LENGTH, contains, like_pattern
from crm.extensions import db
from crm.interactions.models import Interaction
from crm.partners.models import Partner, PartnerKind, PartnerStatus, Tag, partner_tag

QUIET_MONTHS = 6
MAX_SEARCH_WORDS = 8
SORTS = ("name", "country", "last_contact", "renewal")


# --- "No contact for 6 months": shared with the dashboard and the reminders ------------------

def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the month's last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    days_in_month = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
    return moment.replace(year=year, month=month, day=min(moment.day, days_in_month))


def no_contact_since(cutoff: datetime) -> ColumnElement[bool]:
    """A condition on `Partner`: no interaction with the partner at or after `cutoff` (UTC)."""
    return ~exists().where(Interaction.partner_id == Partner.id, Interaction.occurred_at >= cutoff)


def no_contact_for_months(months: int = QUIET_MONTHS, now: datetime | None = None) -> ColumnElement[bool]:
    """A condition on `Partner`: nothing logged with the partner in the last `months` months.

        select(Partner).where(no_contact_for_months(6))
    """
    return no_contact_since(months_before(now or utcnow(), months))


# --- The list columns: active agreements, last contact, next renewal -------------------------

class act_by_date(FunctionElement):
    """`valid_until − notice_days` as a SQL date: the day by which a renewal must be decided.

    Date arithmetic differs between the databases, so it compiles per dialect: SQLite's
    `date(d, '-N days')`, PostgreSQL's `date - integer`.
    """

    type = sa.Date()
    inherit_cache = True
    name = "act_by_date"


@compiles(act_by_date)
def _act_by_default(element, compiler, **kw):  # PostgreSQL and others: date - integer = date
    valid_until, notice_days = list(element.clauses)
    return f"({compiler.process(valid_until, **kw)} - COALESCE({compiler.process(notice_days, **kw)}, 0))"


@compiles(act_by_date, "sqlite")
def _act_by_sqlite(element, compiler, **kw):
    valid_until, notice_days = list(element.clauses)
    return (
        f"date({compiler.process(valid_until, **kw)}, "
        f"'-' || COALESCE({compiler.process(notice_days, **kw)}, 0) || ' days')"
    )


def current_agreement_conditions(today: date) -> list[ColumnElement[bool]]:
    """Signed, in force today, not renewed or terminated, not archived."""
    return [
        Agreement.archived_at.is_(None),
        Agreement.signed_on.is_not(None),
        or_(Agreement.valid_until.is_(None), Agreement.valid_until >= today),
        or_(Agreement.decision.is_(None), Agreement.decision == AgreementDecision.LAPSE),
    ]


def _current_agreements_of(partner_id_column, today: date):
    return (
        select(Agreement.id)
        .join(agreement_partner, agreement_partner.c.agreement_id == Agreement.id)
        .where(agreement_partner.c.partner_id == partner_id_column, *current_agreement_conditions(today))
    )


def active_agreement_count(today: date):
    """Correlated scalar subquery: how many current agreements the partner has."""
    return (
        select(func.count(Agreement.id))
        .join(agreement_partner, agreement_partner.c.agreement_id == Agreement.id)
        .where(agreement_partner.c.partner_id == Partner.id, *current_agreement_conditions(today))
        .correlate(Partner)
        .scalar_subquery()
    )


def last_contact_at():
    """Correlated scalar subquery: when the partner was last in contact (UTC), or NULL."""
    return (
        select(func.max(Interaction.occurred_at))
        .where(Interaction.partner_id == Partner.id)
        .correlate(Partner)
        .scalar_subquery()
    )


def next_renewal_on(today: date):
    """Correlated scalar subquery: the earliest act-by date among the partner's current agreements."""
    return (
        select(func.min(act_by_date(Agreement.valid_until, Agreement.notice_days)))
        .join(agreement_partner, agreement_partner.c.agreement_id == Agreement.id)
        .where(
            agreement_partner.c.partner_id == Partner.id,
            Agreement.valid_until.is_not(None),
            *current_agreement_conditions(today),
        )
        .correlate(Partner)
        .scalar_subquery()
    )


# --- Filters ---------------------------------------------------------------------------------

@dataclass
class PartnerFilters:
    """What the user asked the list for. Values are already validated (see forms.PartnerFilterForm)."""

    q: str = ""
    country: str | None = None  # ISO code
    kind: PartnerKind | None = None
    status: PartnerStatus | None = None
    tag: str = ""
    owner_id: int | None = None
    quiet: bool = False
    archived: bool = False
    sort: str = "name"
    today: date = field(default_factory=date.today)

    def is_empty(self) -> bool:
        return not (self.q or self.country or self.kind or self.status or self.tag or self.owner_id or self.quiet)


def countries_named(term: str) -> set[str]:
    """Codes of the countries whose English or Chinese name is `term` (or starts with it, for
    three or more letters, or two or more Chinese characters): "德国", "Germany", "germ" → {"DE"}."""
    text = term.strip().casefold()
    if not text:
        return set()
    prefix_ok = len(text) >= 3 or (len(text) >= 2 and not text.isascii())
    codes = set()
    for locale_code in ("en", "zh_CN"):
        for code, name in country_names(locale_code).items():
            name = name.casefold()
            if name == text or (prefix_ok and name.startswith(text)):
                codes.add(code)
    return codes


def search_words(term: str) -> list[str]:
    words = [word for word in re.split(r"[\s,，、;；]+", term.strip()[:MAX_TERM_LENGTH]) if word]
    return words[:MAX_SEARCH_WORDS]


def _contains(column, word: str) -> ColumnElement[bool]:
    """`contains` (LIKE-safe, case-insensitive), without SQLite's needless `lower()` calls.

    SQLite's LIKE already ignores ASCII case, and its lower() folds ASCII only, so the plain
    LIKE matches exactly the same rows, about twice as fast on a scan.
    """
    if db.engine.dialect.name == "sqlite":
        return column.like(like_pattern(word), escape="\\")
    return contains(column, word)


def _word_matches(word: str) -> ColumnElement[bool]:
    """A partner matches a word in one of its names, its city, a tag, or a contact's name or e-mail."""
    return or_(
        _contains(Partner.name, word),
        _contains(Partner.local_name, word),
        _contains(Partner.short_name, word),
        _contains(Partner.city, word),
        # Uncorrelated IN subqueries: the database scans tags and contacts once per search,
        # not once per partner.
        Partner.id.in_(
            select(partner_tag.c.partner_id).join(Tag, Tag.id == partner_tag.c.tag_id).where(_contains(Tag.name, word))
        ),
        Partner.id.in_(
            select(Contact.partner_id).where(
                ~Contact.erased, or_(_contains(Contact.name, word), _contains(Contact.email, word))
            )
        ),
    )


def search_condition(term: str) -> ColumnElement[bool] | None:
    """Every word of the term matches the partner somewhere; or the whole term names its country."""
    words = search_words(term)
    if not words:
        return None
    condition = and_(*[_word_matches(word) for word in words])
    if codes := countries_named(term):
        condition = or_(condition, Partner.country.in_(sorted(codes)))
    return condition


def filter_conditions(filters: PartnerFilters, *, with_country: bool = True) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Partner.archived_at.is_not(None) if filters.archived else Partner.archived_at.is_(None)
    ]
    if (condition := search_condition(filters.q)) is not None:
        conditions.append(condition)
    if with_country and filters.country:
        conditions.append(Partner.country == filters.country)
    if filters.kind:
        conditions.append(Partner.kind == filters.kind)
    if filters.status:
        conditions.append(Partner.status == filters.status)
    if filters.tag:
        conditions.append(
            exists().where(partner_tag.c.partner_id == Partner.id, partner_tag.c.tag_id == Tag.id, Tag.name == filters.tag)
        )
    if filters.owner_id:
        conditions.append(Partner.owner_id == filters.owner_id)
    if filters.quiet:
        conditions.append(no_contact_for_months(QUIET_MONTHS))
    return conditions


def _country_rank(codes: list[str]):
    """An ORDER BY expression putting country codes in the order of their names in the user's language."""
    from crm.core.i18n import country_choices

    order = {code: rank for rank, (code, _name) in enumerate(country_choices())}
    present = {code: order.get(code, len(order)) for code in codes}
    if not present:
        return sa.literal(0)
    return sa.case(present, value=Partner.country, else_=len(order))


@dataclass
class PartnerRow:
    partner: Partner
    active_agreements: int
    last_contact: datetime | None
    next_renewal: date | None


@dataclass
class PartnerPage:
    rows: list[PartnerRow]
    total: int
    page: int
    per_page: int
    facets: list[tuple[str, int]]

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total

    @property
    def next_num(self) -> int:
        return self.page + 1


def partner_rows_statement(filters: PartnerFilters, countries_present: list[str] | None = None):
    """Partners with their three computed columns, filtered and sorted (one statement)."""
    active = active_agreement_count(filters.today).label("active_agreements")
    last_contact = last_contact_at().label("last_contact")
    renewal = next_renewal_on(filters.today).label("next_renewal")
    statement = (
        select(Partner, active, last_contact, renewal)
        .options(joinedload(Partner.owner))
        .where(*filter_conditions(filters))
    )
    name_order = (func.lower(Partner.name), Partner.id)
    if filters.sort == "country":
        statement = statement.order_by(_country_rank(countries_present or []), *name_order)
    elif filters.sort == "last_contact":
        statement = statement.order_by(last_contact.desc().nulls_last(), *name_order)
    elif filters.sort == "renewal":
        statement = statement.order_by(renewal.asc().nulls_last(), *name_order)
    else:
        statement = statement.order_by(*name_order)
    return statement


def _rows(statement) -> list[PartnerRow]:
    return [PartnerRow(partner, count or 0, last, renewal) for partner, count, last, renewal in db.session.execute(statement)]


def country_facets(filters: PartnerFilters) -> list[tuple[str, int]]:
    """(country code, number of partners) under every filter but the country, most partners first."""
    statement = (
        select(Partner.country, func.count(Partner.id))
        .where(*filter_conditions(filters, with_country=False))
        .group_by(Partner.country)
        .order_by(func.count(Partner.id).desc(), Partner.country)
    )
    return [(code, count) for code, count in db.session.execute(statement)]


def partner_page(filters: PartnerFilters, page: int, per_page: int) -> PartnerPage | None:
    """One page of the list with its total and country facets: three statements, whatever the size.

    None when `page` lies past the last page.
    """
    facets = country_facets(filters)
    if filters.country:
        total = next((count for code, count in facets if code == filters.country), 0)
    else:
        total = sum(count for _code, count in facets)
    if page > 1 and (page - 1) * per_page >= total:
        return None
    statement = partner_rows_statement(filters, [code for code, _count in facets])
    rows = _rows(statement.limit(per_page).offset((page - 1) * per_page))
    return PartnerPage(rows=rows, total=total, page=page, per_page=per_page, facets=facets)


def partner_count_query(filters: PartnerFilters):
    """How many partners the list shows under `filters` (the same conditions as its total), as
    a statement of one number, for a page that gathers several counts in one statement."""
    return select(func.count(Partner.id)).where(*filter_conditions(filters))


def partners_for_export(filters: PartnerFilters) -> list[PartnerRow]:
    """Every partner the filters find, with tags loaded, in the list's order (two statements)."""
    statement = partner_rows_statement(filters, sorted(country_names("en"))).options(selectinload(Partner.tags))
    return _rows(statement)


# --- Choices for the filter form -------------------------------------------------------------

def tag_names() -> list[str]:
    return list(db.session.scalars(select(Tag.name).order_by(func.lower(Tag.name))))


def owner_choices() -> list[tuple[int, str]]:
    """Users who own at least one partner, or could: the active staff and admins, and current owners."""
    owners = select(Partner.owner_id).where(Partner.owner_id.is_not(None))
    statement = (
        select(User.id, User.name)
        .where(or_(User.id.in_(owners), and_(User.active.is_(True), User.role != Role.VIEWER)))
        .order_by(func.lower(User.name))
    )
    return [(user_id, name) for user_id, name in db.session.execute(statement)]


# --- /partners/countries ---------------------------------------------------------------------

@dataclass
class CountryRow:
    code: str
    partners: int
    active_agreements: int
    last_contact: datetime | None


def countries_overview(today: date | None = None) -> list[CountryRow]:
    """Every country with partners (not archived), most partners first (three statements)."""
    today = today or date.today()
    live = Partner.archived_at.is_(None)
    partner_counts = db.session.execute(
        select(Partner.country, func.count(Partner.id)).where(live).group_by(Partner.country)
    ).all()
    agreement_counts = dict(
        db.session.execute(
            select(Partner.country, func.count(func.distinct(Agreement.id)))
            .select_from(Partner)
            .join(agreement_partner, agreement_partner.c.partner_id == Partner.id)
            .join(Agreement, Agreement.id == agreement_partner.c.agreement_id)
            .where(live, *current_agreement_conditions(today))
            .group_by(Partner.country)
        ).all()
    )
    last_contacts = dict(
        db.session.execute(
            select(Partner.country, func.max(Interaction.occurred_at))
            .join(Interaction, Interaction.partner_id == Partner.id)
            .where(live)
            .group_by(Partner.country)
        ).all()
    )
    rows = [
        CountryRow(code, count, agreement_counts.get(code, 0), last_contacts.get(code))
        for code, count in partner_counts
    ]
    rows.sort(key=lambda row: (-row.partners, row.code))
    return rows


# --- Similar partners (the duplicate warning) ------------------------------------------------

GENERIC_WORDS = frozenset(
    """
    university universities universiti universität universitat universidad université universite
    universita università college colleges coleg institute institut instituto institution tafe
    polytechnic school schools academy akademie hochschule fachhochschule of the and for und für fur
    de del der des di du la le von van zu at in technology technical applied sciences science
    community international gmbh ag ltd limited inc co company corporation group sa srl llc e.v. ev
    """.split()
)


def normalised_name(name: str | None) -> str:
    """Lower case, no punctuation, no generic words: "Holmesglen Institute of TAFE" → "holmesglen"."""
    words = re.findall(r"\w+", (name or "").casefold())
    kept = [word for word in words if word not in GENERIC_WORDS]
    return " ".join(kept or words)


def website_domain(url: str | None) -> str:
    """"https://www.holmesglen.edu.au/about" → "holmesglen.edu.au"."""
    if not url:
        return ""
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().casefold()).split("/")[0].split("?")[0]
    host = host.rsplit("@", 1)[-1].split(":")[0]
    return host[4:] if host.startswith("www.") else host


def names_are_similar(a: str | None, b: str | None) -> bool:
    from difflib import SequenceMatcher

    first, second = normalised_name(a), normalised_name(b)
    if not first or not second:
        return False
    if first == second:
        return True
    words_a, words_b = set(first.split()), set(second.split())
    if words_a <= words_b or words_b <= words_a:
        return True
    return SequenceMatcher(None, first, second).ratio() >= 0.85


def similar_partners(name: str, country: str | None, website: str | None = None,
                     local_name: str | None = None, exclude_id: int | None = None) -> list[Partner]:
    """Partners (not archived) that may be the same institution: same country and a similar
    name (English or local), or the same website domain."""
    domain = website_domain(website)
    conditions = []
    if country:
        conditions.append(Partner.country == country)
    if domain:
        conditions.append(contains(Partner.website, domain))
    if not conditions:
        return []
    statement = select(Partner).where(Partner.archived_at.is_(None), or_(*conditions)).order_by(Partner.name)
    if exclude_id is not None:
        statement = statement.where(Partner.id != exclude_id)
    found = []
    for candidate in db.session.scalars(statement):
        same_domain = bool(domain) and website_domain(candidate.website) == domain
        same_country = candidate.country == country
        similar_name = names_are_similar(name, candidate.name) or (
            bool(local_name) and names_are_similar(local_name, candidate.local_name)
        ) or (bool(candidate.short_name) and normalised_name(name) == normalised_name(candidate.short_name))
        if same_domain or (same_country and similar_name):
            found.append(candidate)
    return found


def partner_by_id(partner_id: int) -> Partner | None:
    """The partner page's partner with its owner, tags and contacts (three statements)."""
    return db.session.scalars(
        select(Partner)
        .where(Partner.id == partner_id)
        .options(joinedload(Partner.owner), selectinload(Partner.tags), selectinload(Partner.contacts))
    ).first()
