"""`flask backup DEST`: a consistent copy of the SQLite database and the uploaded files."""
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from crm.extensions import db


def backup_sqlite(source: Path, target: Path) -> None:
    """Copy through SQLite's online backup API (never the live file), then check the copy."""
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise click.ClickException(f"the copy failed its integrity check: {result}")


def new_backup_folder(destination: Path, name: str) -> Path:
    """A folder that did not exist: `name`, else `name-2`, `name-3`... (two backups in one second).

    `mkdir` without `exist_ok` is the check, so two backups running at once cannot share one."""
    destination.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 1000):
        folder = destination / (name if attempt == 1 else f"{name}-{attempt}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise click.ClickException(f"too many backups named {name} in {destination}")


@click.command("backup")
@click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(destination: Path):
    """Write a consistent copy of the database and uploads into DESTINATION/<timestamp>/."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException("for PostgreSQL use pg_dump (see the README); this command copies SQLite")
    folder = new_backup_folder(destination, datetime.now(UTC).strftime("crm-%Y%m%dT%H%M%SZ"))
    backup_sqlite(Path(url.database), folder / "crm.sqlite3")
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    if uploads.is_dir():
        shutil.copytree(uploads, folder / "uploads")
    click.echo(f"backup written to {folder}")
