"""Statements built once and run many times.

A page that shows one record runs many small statements (the partner page: about twenty, one or
two per section), each reading a few rows through an index in a few hundredths of a
millisecond. Building such a statement in Python, with its loader options, and working out its
cache key cost more than running it: 0.2-0.4 ms each, several milliseconds a page. So the
statements of such pages are built once per process with their values as parameters
(`sqlalchemy.bindparam`) and run with the values of the request:

    @prepared
    def _of_partner():
        return select(Trip).where(Trip.partner_id == bindparam("partner_id"))

    db.session.scalars(_of_partner(), {"partner_id": partner_id})

Only the statement is kept, never a row: every request reads the database. Nothing that
changes between requests may be built in (today's date, a setting): those are parameters too.
A prepared function's own arguments are kept as cache keys for the process's life, so they take
a few fixed values only (a page size, a shape of the filter), never a request's values.
"""
from functools import cache

prepared = cache
