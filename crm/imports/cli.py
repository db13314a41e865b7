"""`flask import partners FILE [--dry-run]`: the same preview as the web page, for the office's IT."""
from __future__ import annotations

import secrets
import shutil
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from crm.audit.recorder import acting_as
from crm.auth.models import User
from crm.extensions import db
from crm.imports.commit import StaleImport, commit_batch, stale_message
from crm.imports.fields import KINDS
from crm.imports.models import ImportBatch
from crm.imports.preview import analyse, inspect_upload, summary_lines, upload_folder
from crm.imports.reading import ImportFileError

import_cli = AppGroup("import", help="Import partners from a spreadsheet (.xlsx or CSV), with the web page's checks.")


def _command(kind_key: str):
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Check and print the preview; write nothing.")
    @click.option("--as", "actor", metavar="EMAIL", default=None, help="The user the import is recorded for.")
    @click.option("--skip-errors", is_flag=True, help="Import the good rows even when some rows have errors.")
    def command(file: Path, dry_run: bool, actor: str | None, skip_errors: bool):
        user_id = None
        if actor:
            user_id = db.session.scalar(select(User.id).where(User.email == actor.strip().lower()))
            if user_id is None:
                raise click.ClickException(f"no user with the e-mail {actor}")
        stored = f"cli-{secrets.token_hex(8)}{file.suffix.lower()}"
        shutil.copyfile(file, upload_folder() / stored)
        batch = ImportBatch(kind=kind_key, file_name=file.name, stored_name=stored, created_by_id=user_id)
        exit_code = 0
        try:
            with acting_as(user_id):
                db.session.add(batch)
                db.session.flush()
                inspect_upload(batch)
                click.echo("columns: " + ", ".join(
                    f"{batch.headers[int(index)]} → {KINDS[kind_key].field(key).label}" for index, key in batch.mapping.items()))
                analyse(batch, commit_chunks=False)
                for line in summary_lines(batch):
                    click.echo(line)
                if batch.error_count and not skip_errors:
                    exit_code = 1
                if dry_run or exit_code:
                    db.session.rollback()
                    click.echo("dry run: nothing was written." if dry_run else "nothing was written (rows with errors; see --skip-errors).")
                else:
                    commit_batch(batch, user_id)
                    db.session.commit()
                    click.echo(f"import batch {batch.id}: {batch.created_count} created, {batch.updated_count} updated, {batch.skipped_count} skipped.")
        except ImportFileError as error:
            db.session.rollback()
            raise click.ClickException(str(error.message)) from None
        except StaleImport as stale:
            db.session.rollback()
            raise click.ClickException(stale_message(stale)) from None
        finally:
            (upload_folder() / stored).unlink(missing_ok=True)
        raise SystemExit(exit_code)

    what = {"history": "contact history"}.get(kind_key, kind_key)
    command.__doc__ = f"Import {what} from FILE (.xlsx or CSV); --dry-run checks and writes nothing."
    return command


for _key in KINDS:
    import_cli.command(_key)(_command(_key))
