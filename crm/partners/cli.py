"""`flask search rebuild`: the partner search index built anew (crm/partners/search_index.py)."""
import click
from flask.cli import AppGroup

from crm.extensions import db
from crm.partners.search_index import rebuild_documents

search_cli = AppGroup("search", help="The partner search index.")


@search_cli.command("rebuild")
def rebuild_command():
    """Build every partner's search document anew (after writing rows around the app)."""
    count = rebuild_documents()
    db.session.commit()
    click.echo(f"Search documents rebuilt for {count} partners.")
