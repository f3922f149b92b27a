"""``filet init``: create or upgrade a workspace."""

from __future__ import annotations

import typer

from filet.cli.common import HomeOption, JsonOption, console, print_json, workspace
from filet.store.entities import count_entities


def init(home: HomeOption = None, json: JsonOption = False) -> None:
    """Créer ou mettre à jour un espace de travail / create or upgrade a workspace."""
    with workspace(home) as ws, ws.db.connect() as conn:
        entities = count_entities(conn)
        event_tables = {table: ws.events.count(table) for table in ws.events.tables_with_data()}
        status = {
            "home": str(ws.home.resolve()),
            "database": ws.db.url.render_as_string(hide_password=True),
            "entities": entities,
            "event_tables": event_tables,
        }
    if json:
        print_json(status)
        return
    console.print(f"[bold]Espace de travail / workspace:[/] {status['home']}")
    console.print(f"  base / database: {status['database']}")
    console.print(f"  entités / entities: {entities}")
    for table, rows in event_tables.items():
        console.print(f"  {table}: {rows} lignes / rows")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
