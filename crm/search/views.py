"""GET /search?q=: the quick search, as a full page (works without JavaScript) or, for the
header's box as one types, the grouped results only."""
from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from crm.core.forms import search_term_field, validate_filters
from crm.extensions import htmx
from crm.search.queries import PAGE_LIMIT, QUICK_LIMIT, quick_search

bp = Blueprint("search", __name__, url_prefix="/search")

RESULTS_ID = "quick-search-results"


class QuickSearchForm(FlaskForm):
    """The quick search's one box, as every list's (a term too long is dropped, and said)."""

    class Meta:
        csrf = False

    q = search_term_field(_l("Search"))


@bp.get("")
def index():
    form = QuickSearchForm(request.args)
    status = 200 if validate_filters(form) else 422
    term = (form.q.data or "").strip()
    if htmx and htmx.target == RESULTS_ID:
        page = render_template("search/_results.html", results=quick_search(term, QUICK_LIMIT), quick=True, form=form)
    else:
        page = render_template("search/index.html", results=quick_search(term, PAGE_LIMIT), quick=False, form=form)
    return page, status, {"Vary": "HX-Request, HX-Target"}
