"""`python -m emberwatch …` is the `emberwatch` command."""

from emberwatch.cli import app

app()
