"""Rules stored in columns: a value derived from other rows (a partner's last contact, an
agreement's act-by date), kept in an indexed column so that lists sort and filter by it.

The domain that owns the rule keeps its column current on every write through the ORM (a
session hook or a validator in that domain). Writes that bypass the ORM (the demo generator's
bulk inserts) then call `store_every_rule()` once, which asks each owner to recompute its column
from the rule. Owners register here at import, so this module knows none of them:

    @stored_rule("agreement.act_by")
    def store_act_by() -> int: ...  # recompute every row; return how many changed
"""
from __future__ import annotations

from collections.abc import Callable

_recomputes: dict[str, Callable[[], int]] = {}


def stored_rule(name: str) -> Callable[[Callable[[], int]], Callable[[], int]]:
    """Register the function that recomputes the stored column `name` ("table.column") for every row."""
    def register(function: Callable[[], int]) -> Callable[[], int]:
        _recomputes[name] = function
        return function
    return register


def store_every_rule() -> dict[str, int]:
    """Recompute every stored rule's column from its rule (the caller commits): {column: rows changed}."""
    return {name: recompute() for name, recompute in sorted(_recomputes.items())}
