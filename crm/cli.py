"""The app's CLI commands: `flask users …`, `flask demo …`, `flask setup`."""
import secrets

import click
from flask import Flask
from flask_babel import force_locale
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


def first_admin_name(locale: str) -> str:
    """The first admin's name when none is given: the role's name in the admin's language
    (管理员 for zh_CN), as the user list and the audit history show it."""
    with force_locale(locale):
        return str(Role.ADMIN.label)


@click.command("setup")
@with_appcontext
@click.option("--demo/--no-demo", default=True, help="Load the demo office into an empty database.")
@click.option("--locale", type=click.Choice(["zh_CN", "en"]), default="zh_CN", show_default=True,
              help="The first admin's language.")
@click.option("--name", help="The first admin's name (default: 'Administrator' in the admin's language, 管理员).")
def setup_command(demo: bool, locale: str, name: str | None):
    """First start: create an admin if there is none, and load the demo data if empty."""
    from crm.demo.loader import database_is_empty, load_demo

    if db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN)) == 0:
        password = secrets.token_urlsafe(12)
        name = (name or "").strip() or first_admin_name(locale)
        create_user(FIRST_ADMIN_EMAIL, name, Role.ADMIN, password, locale=locale)
        db.session.commit()
        click.echo("")
        click.echo("  First start: an administrator account was created.")
        click.echo(f"    name:     {name}")
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
