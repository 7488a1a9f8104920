"""`emberwatch users …`: account administration from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from emberwatch.cli.common import console
from emberwatch.core.config import get_settings

users_app = typer.Typer(help="Manage accounts.", no_args_is_help=True)


@users_app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(prompt=True, help="The admin's email address.")],
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="12 to 128 characters.")
    ],
    full_name: Annotated[str, typer.Option(help="Display name.")] = "Administrator",
) -> None:
    """Create an admin account."""
    from pydantic import ValidationError

    from emberwatch.auth.service import AuthKit
    from emberwatch.auth.service import create_admin as create
    from emberwatch.core.context import SYSTEM
    from emberwatch.core.errors import AppError
    from emberwatch.core.runner import in_transaction

    settings = get_settings()
    try:
        user = in_transaction(
            settings, lambda s: create(s, AuthKit.from_settings(settings), email, password, full_name, SYSTEM)
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        console.print(f"[red]Invalid input: {problems}[/red]")
        raise typer.Exit(2) from exc
    except AppError as exc:
        console.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"[green]Admin {user.email} created ({user.id}).[/green]")
