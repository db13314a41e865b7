"""A block of a page that comes on its own, once in view: htmx asks for it with its element's id
as HX-Target and gets the block alone; without JavaScript its link opens it as a page of its own
(the page's template includes the block's). A cache keeps the two answers apart (Vary).

    return block_or_page("dashboard/_watch.html", "dashboard/watch.html", WATCH_ID, watch=...)
"""
from flask import render_template

from crm.extensions import htmx


def block_or_page(block: str, page: str, element_id: str, **context):
    """The block's template when htmx asks for the element `element_id`, else the page's."""
    template = block if htmx.target == element_id else page
    return render_template(template, **context), 200, {"Vary": "HX-Request, HX-Target"}
