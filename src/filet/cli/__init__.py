"""The ``filet`` command line."""

from __future__ import annotations

import typer

from filet.cli import (
    accounts,
    alerts,
    audit,
    coffre,
    compartments,
    deadlines,
    deconfliction,
    demo,
    detect,
    entity,
    export,
    finance,
    ingest,
    maritime,
    network,
    patrimony,
    quarantine,
    resolve,
    retention,
    scan,
    serve,
    targeting,
    workspace_cmds,
)

app = typer.Typer(
    name="filet",
    help="Filet: le coup de filet des données / data tools for counter-narcotics services.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

for module in (
    workspace_cmds,
    ingest,
    quarantine,
    detect,
    alerts,
    entity,
    export,
    network,
    scan,
    demo,
    audit,
    accounts,
    compartments,
    coffre,
    deadlines,
    deconfliction,
    resolve,
    retention,
    finance,
    patrimony,
    targeting,
    maritime,
    serve,
):
    module.register(app)


def main() -> None:
    app()
