from flask import abort, current_app, request

from crm.extensions import db

MAX_PAGE = 1_000_000


def page_number() -> int:
    """`?page=` as a positive integer; anything else (negative, huge, not a number) is a 404."""
    raw = request.args.get("page", "1").strip()
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE:  # "²".isdigit() is True
        abort(404)
    return int(raw)


def paginate(statement, per_page: int | None = None):
    """A page of `statement` (two statements: the rows and the count); past the last page, 404."""
    return db.paginate(
        statement,
        page=page_number(),
        per_page=per_page or current_app.config["PAGE_SIZE"],
        error_out=True,
    )
