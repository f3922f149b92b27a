"""What every command shares: the workspace option, the console, errors and --json."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from filet.store import Workspace

console = Console()
errors = Console(stderr=True)

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        envvar="FILET_HOME",
        help="Workspace folder (default: ./filet-workspace).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a clear error on stderr and leave with a non-zero exit code."""
    errors.print(f"[bold red]erreur / error:[/] {message}")
    raise typer.Exit(code)


@contextmanager
def workspace(home: Path | None) -> Iterator[Workspace]:
    opened = Workspace.open(home)
    try:
        yield opened
    finally:
        opened.close()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str, indent=2) + "\n")
