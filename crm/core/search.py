"""Helpers for text search with LIKE: user terms never act as wildcards."""

MAX_TERM_LENGTH = 200


def like_pattern(term: str) -> str:
    """'%' and '_' typed by a user match themselves; the term is searched anywhere."""
    term = term.strip()[:MAX_TERM_LENGTH]
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column, term: str):
    return column.ilike(like_pattern(term), escape="\\")
