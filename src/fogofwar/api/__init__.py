"""The HTTP API over a fogofwar database (FastAPI): ``create_app(db_url, token=None)``."""

from fogofwar.api.app import create_app

__all__ = ["create_app"]
