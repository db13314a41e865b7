import click
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
def load_command():
    """Load the demo office built from the seed (idempotent)."""
    from crm.demo.loader import load_demo

    counts = load_demo()
    if not any(counts.values()):
        click.echo("Demo data is already loaded; nothing added.")
        return
    click.echo("Demo data: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
