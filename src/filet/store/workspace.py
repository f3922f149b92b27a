"""A workspace: the application database plus the Parquet event tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from filet import settings
from filet.store.db import connect, migrate
from filet.store.events import EventStore


@dataclass
class Workspace:
    home: Path
    db: sa.Engine
    events: EventStore

    @classmethod
    def open(cls, home: Path | None = None, database_url: str | None = None) -> Workspace:
        """Open (creating if needed) the workspace at ``home`` and migrate its database."""
        folder = home if home is not None else settings.home()
        folder.mkdir(parents=True, exist_ok=True)
        url = database_url or settings.database_url(folder)
        db = connect(url)
        migrate(db)
        return cls(home=folder, db=db, events=EventStore(folder / "events"))

    def close(self) -> None:
        self.db.dispose()
