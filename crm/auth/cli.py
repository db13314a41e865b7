"""`flask users …`: create users, set passwords, deactivate, from a terminal or a script."""
import sys

import click
from flask.cli import AppGroup

from crm.auth.accounts import create_user, deactivate, find_user, would_remove_last_admin
from crm.auth.models import Role
from crm.auth.passwords import password_problem
from crm.extensions import db
from crm.schools.queries import active_schools

users_cli = AppGroup("users", help="Manage user accounts.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if problem := password_problem(password):
        raise click.ClickException(f"password refused: {problem}")
    return password


def _school_id(name: str | None) -> int:
    """The active school named `name` (Chinese or English, any case): a liaison reports for one."""
    schools = active_schools()
    if not name:
        raise click.ClickException("a liaison needs --school; schools: " + ", ".join(s.name_zh for s in schools))
    wanted = name.strip().casefold()
    for school in schools:
        if wanted in (school.name_zh.casefold(), school.name_en.casefold()):
            return school.id
    raise click.ClickException(f"no school named {name}; schools: " + ", ".join(s.name_zh for s in schools))


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's name as colleagues know it.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.STAFF.value, show_default=True)
@click.option("--locale", type=click.Choice(["zh_CN", "en"]), default="zh_CN", show_default=True)
@click.option("--school", help="A liaison's school: its Chinese or English name (required for --role liaison).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(email, name, role, locale, school, password_stdin):
    """Create a user with e-mail EMAIL."""
    if find_user(email):
        raise click.ClickException(f"a user with e-mail {email} already exists")
    school_id = _school_id(school) if Role(role) == Role.LIAISON else None
    password = _read_password(password_stdin)
    user = create_user(email, name, Role(role), password, locale, school_id)
    db.session.commit()
    click.echo(f"created {user.role.value} {user.email}")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password_command(email, password_stdin):
    """Set the password of EMAIL (ends all of that user's sessions)."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no user with e-mail {email}")
    user.set_password(_read_password(password_stdin))
    db.session.commit()
    click.echo(f"password set for {user.email}")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email):
    """Deactivate EMAIL: no more logins, and open sessions end."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no user with e-mail {email}")
    if would_remove_last_admin(user, user.role, False):
        raise click.ClickException(f"{user.email} is the last active administrator: create another one first")
    deactivate(user)
    db.session.commit()
    click.echo(f"deactivated {user.email}")
