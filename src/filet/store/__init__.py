"""Storage: the application database (entities, alerts) and the Parquet event tables."""

from filet.store.workspace import Workspace

__all__ = ["Workspace"]
