from hub.config import DEFAULT_DATABASE_URL, Settings


def test_defaults_to_a_sqlite_file_in_the_current_directory() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite+aiosqlite:///hub.db"
    assert settings.cors_origins == ()
    assert settings.debug is False


def test_reads_the_environment() -> None:
    settings = Settings.from_env(
        {
            "HUB_DATABASE_URL": " postgresql+asyncpg://postgres@127.0.0.1/hub ",
            "HUB_CORS_ORIGINS": "https://a.example, https://b.example,",
            "HUB_DEBUG": "true",
        }
    )
    assert settings.database_url == "postgresql+asyncpg://postgres@127.0.0.1/hub"
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.debug is True


def test_an_empty_url_means_the_default() -> None:
    assert Settings.from_env({"HUB_DATABASE_URL": "  "}).database_url == DEFAULT_DATABASE_URL
