"""Pages of a long list whose total is counted only up to a cap.

An exact COUNT(*) reads every matching row: over 200,000 interactions that costs more than the
page itself. Counting at most `cap + 1` rows costs the same at any size, and "1,000+" tells a
person as much as "187,412" does. The page's rows come from LIMIT/OFFSET (one row more than the
page, to know whether there is a next one), so a page costs two statements at any size.
"""
from dataclasses import dataclass, field

from flask import abort, current_app
from sqlalchemy import func, literal, select

from crm.core.pagination import page_number
from crm.extensions import db

COUNT_CAP = 1000


def capped_count(statement, cap: int | None = None):
    """A scalar subquery: how many rows `statement` has, but no more than `cap + 1` (the cap is
    COUNT_CAP unless given).

    `statement` is a select whose WHERE clause says which rows count; its columns, order and
    loader options do not matter.
    """
    cap = COUNT_CAP if cap is None else cap
    limited = statement.with_only_columns(literal(1)).order_by(None).limit(cap + 1).subquery()
    return select(func.count()).select_from(limited).scalar_subquery()


@dataclass
class CappedPage:
    """A page of rows; `total` is exact unless `capped` (then there are more than `cap`)."""

    items: list = field(default_factory=list)
    page: int = 1
    per_page: int = 50
    total: int = 0
    cap: int = COUNT_CAP
    has_next: bool = False

    @property
    def capped(self) -> bool:
        return self.total > self.cap

    @property
    def shown_total(self) -> int:
        """The count to show: the cap when there are more (shown as "1,000+")."""
        return min(self.total, self.cap)

    @property
    def pages(self) -> int | None:
        """How many pages there are, when the total is known."""
        if self.capped:
            return None
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def capped_page(statement, order_by=(), options=(), per_page: int | None = None, cap: int | None = None,
                key=None) -> CappedPage:
    """The `?page=` of `statement` (a select of one entity with its filter) in `order_by`, rows
    loaded with `options`, and its count up to the cap. Two statements (and those of the
    options); a page past the end is a 404.

    With `key` (the primary key column), the page's keys are chosen first, in a subquery that
    selects only `key` with the same filter and order: when the database has to sort the
    matching rows, it sorts keys instead of rows joined to everything they show.
    """
    cap = COUNT_CAP if cap is None else cap
    per_page = per_page or current_app.config["PAGE_SIZE"]
    page = page_number()
    limit, offset = per_page + 1, (page - 1) * per_page
    rows_statement = statement.options(*options).order_by(*order_by)
    if key is None:
        rows_statement = rows_statement.limit(limit).offset(offset)
    else:
        keys = statement.with_only_columns(key).order_by(*order_by).limit(limit).offset(offset)
        rows_statement = rows_statement.where(key.in_(keys.scalar_subquery()))
    rows = db.session.scalars(rows_statement).unique().all()
    if page > 1 and not rows:
        abort(404)
    total = db.session.scalar(select(capped_count(statement, cap)))
    return CappedPage(items=list(rows[:per_page]), page=page, per_page=per_page, total=total, cap=cap,
                      has_next=len(rows) > per_page)
