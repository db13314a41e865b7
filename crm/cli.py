"""The app's CLI commands: `flask users …`, `flask demo …`, `flask setup`."""
import secrets

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from crm.auth.accounts import create_user
from crm.auth.cli import users_cli
from crm.auth.models import Role, User
from crm.core.backup import backup_command
from crm.demo.cli import demo_cli
from crm.extensions import db
from crm.imports.cli import import_cli
from crm.partners.cli import search_cli
from crm.reminders.cli import reminders_cli

FIRST_ADMIN_EMAIL = "admin@cqipc.edu.cn"


@click.command("setup")
@with_appcontext
@click.option("--demo/--no-demo", default=True, help="Load the demo office into an empty database.")
def setup_command(demo: bool):
    """First start: create an admin if there is none, and load the demo data if empty."""
    from crm.demo.loader import database_is_empty, load_demo

    if db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN)) == 0:
        password = secrets.token_urlsafe(12)
        create_user(FIRST_ADMIN_EMAIL, "Administrator", Role.ADMIN, password, locale="zh_CN")
        db.session.commit()
        click.echo("")
        click.echo("  First start: an administrator account was created.")
        click.echo(f"    e-mail:   {FIRST_ADMIN_EMAIL}")
        click.echo(f"    password: {password}")
        click.echo("  The password is shown only this once. Change it under 'Account' after logging in.")
        click.echo("")
    else:
        click.echo(
            "Log in with your account. A forgotten password is reset with "
            "`.venv/bin/flask users set-password EMAIL`."
        )
    from crm.reports.summary import summarise_if_waiting

    if summarise_if_waiting():
        click.echo("The yearly report's figures were summed from the records (first start after an upgrade).")
    if demo and database_is_empty():
        counts = load_demo()
        click.echo("Demo data loaded: " + ", ".join(f"{n} {what}" for what, n in counts.items()))


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(setup_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(import_cli)
    app.cli.add_command(search_cli)
