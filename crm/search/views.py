"""GET /search?q=: the quick search, as a full page (works without JavaScript) or, for the
header's box as one types, the grouped results only."""
from flask import Blueprint, render_template, request

from crm.core.search import MAX_TERM_LENGTH
from crm.extensions import htmx
from crm.search.queries import PAGE_LIMIT, QUICK_LIMIT, quick_search

bp = Blueprint("search", __name__, url_prefix="/search")

RESULTS_ID = "quick-search-results"


@bp.get("")
def index():
    term = request.args.get("q", "").strip()[:MAX_TERM_LENGTH]
    if htmx and htmx.target == RESULTS_ID:
        page = render_template("search/_results.html", results=quick_search(term, QUICK_LIMIT), quick=True)
    else:
        page = render_template("search/index.html", results=quick_search(term, PAGE_LIMIT), quick=False)
    return page, 200, {"Vary": "HX-Request, HX-Target"}
