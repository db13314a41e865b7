import click
from flask import current_app
from flask.cli import AppGroup

from crm.core.dates import office_today
from crm.reminders.digest import send_reminders

reminders_cli = AppGroup("reminders", help="Reminder e-mails about renewals and overdue follow-ups.")


@reminders_cli.command("send")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="The day to send for (default: today, the office's date in CRM_TIMEZONE).")
def send_command(on):
    """E-mail each owner one digest (at most once a day); run it daily from cron."""
    today = on.date() if on else office_today()
    if not current_app.config.get("BASE_URL"):
        click.echo("BASE_URL is not set: the digests go out without links (see the README).", err=True)
    report = send_reminders(today)
    click.echo(f"Reminder digests for {today.isoformat()}: {report.sent} sent, {report.already_sent} already sent today, {len(report.failed)} failed.")
    if report.failed:
        raise SystemExit(1)
