import httpx

from hub.app.web import create_app
from hub.config import Settings
from hub.store.engine import Database
from hub.store.migrate import head_revision


def _client(database: Database, **settings: object) -> httpx.AsyncClient:
    app = create_app(Settings(database_url=str(database.url), **settings), database)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")


async def test_health_names_the_backend_and_revision(database: Database, backend: str) -> None:
    async with _client(database) as client:
        response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == {
        "backend": backend,
        "revision": head_revision(),
        "head": head_revision(),
    }


async def test_health_says_when_migrations_are_needed(fresh_url: str) -> None:
    database = Database(fresh_url)
    async with _client(database) as client:
        response = await client.get("/health")
    await database.dispose()
    assert response.status_code == 503
    assert response.json()["status"] == "migration needed"
    assert response.json()["database"]["revision"] is None


async def test_health_says_when_the_database_is_unreachable() -> None:
    database = Database("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere")
    async with _client(database) as client:
        response = await client.get("/health")
    await database.dispose()
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "Traceback" not in response.text


async def test_graphql_answers(database: Database) -> None:
    async with _client(database) as client:
        response = await client.post("/graphql", json={"query": "{ version }"})
    from hub import __version__

    assert response.json() == {"data": {"version": __version__}}


async def test_cors_origins_are_configurable(database: Database) -> None:
    async with _client(database, cors_origins=("https://city.example",)) as client:
        allowed = await client.options(
            "/graphql",
            headers={"Origin": "https://city.example", "Access-Control-Request-Method": "POST"},
        )
        refused = await client.options(
            "/graphql",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
    assert allowed.headers["access-control-allow-origin"] == "https://city.example"
    assert "access-control-allow-origin" not in refused.headers
