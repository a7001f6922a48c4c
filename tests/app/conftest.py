"""What the app's tests share: the hub over HTTP (in process) with the seed loaded."""

from collections.abc import AsyncIterator

import httpx
import pytest

from hub.app.web import create_app
from hub.config import Settings
from hub.store.engine import Database
from tests import seed


@pytest.fixture
async def http(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app over the seed, the response cache off."""
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    app = create_app(Settings(database_url=str(database.url), response_cache=0), database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        yield client
