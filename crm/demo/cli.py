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


@demo_cli.command("generate")
@click.option("--partners", default=10_000, show_default=True)
@click.option("--countries", default=120, show_default=True)
@click.option("--contacts", default=30_000, show_default=True)
@click.option("--agreements", default=20_000, show_default=True)
@click.option("--interactions", default=200_000, show_default=True)
@click.option("--follow-ups", "follow_ups", default=50_000, show_default=True)
@click.option("--proposals", default=5_000, show_default=True)
@click.option("--scale", type=float, default=None,
              help="Every default count times this (10: 100,000 partners, 2 million interactions); replaces the counts.")
@click.option("--seed", default=2026, show_default=True, help="The same seed gives the same data.")
def generate_command(seed, scale, **sizes):
    """Fill an empty database with a large generated office (for benchmarks)."""
    import time

    from crm.demo.generate import Sizes, generate

    started = time.perf_counter()
    try:
        counts = generate(Sizes.scaled(scale) if scale else Sizes(**sizes), seed=seed)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    took = time.perf_counter() - started
    click.echo(", ".join(f"{n} {what}" for what, n in counts.items()) + f" in {took:.1f} s")
