"""The workbench: HTML pages and a JSON API over a workspace (``filet serve``)."""

from filet.web.app import ROUTERS, create_app

__all__ = ["ROUTERS", "create_app"]
