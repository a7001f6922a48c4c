import re

import pytest

from hub.config import DEFAULT_DATABASE_URL, SettingError, Settings


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


def test_limits_and_switches_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "HUB_MAX_QUERY_COST": "5_000",
            "HUB_RESPONSE_CACHE_BYTES": "1000000",
            "HUB_ALLOWED_HOSTS": "hub.example.org, *.example.org",
            "HUB_GRAPHIQL": "0",
            "HUB_DOCUMENT_SECONDS": "2.5",
        }
    )
    assert settings.max_query_cost == 5000
    assert settings.response_cache_bytes == 1_000_000
    assert settings.allowed_hosts == ("hub.example.org", "*.example.org")
    assert settings.graphiql is False
    assert settings.document_seconds == 2.5
    assert Settings.from_env({}).graphiql is True


@pytest.mark.parametrize(
    ("name", "value"),
    [("HUB_MAX_QUERY_COST", "lots"), ("HUB_MAX_REQUEST_BYTES", "-1"), ("HUB_REQUEST_TIMEOUT", "0")],
)
def test_a_setting_that_is_not_a_number_names_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingError, match=f"^{name}="):
        Settings.from_env({name: value})


def test_upload_limits_from_the_environment() -> None:
    defaults = Settings.from_env({})
    assert (defaults.max_upload_bytes, defaults.max_upload_files, defaults.ingest_per_minute) == (
        50_000_000,
        50,
        60,
    )
    settings = Settings.from_env(
        {
            "HUB_MAX_UPLOAD_BYTES": "10_000_000",
            "HUB_MAX_UPLOAD_FILES": " 5 ",
            "HUB_INGEST_PER_MINUTE": "0",
        }
    )
    assert (settings.max_upload_bytes, settings.max_upload_files) == (10_000_000, 5)
    assert settings.ingest_per_minute == 0  # no limit


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HUB_MAX_UPLOAD_BYTES", "50MB"),
        ("HUB_MAX_UPLOAD_BYTES", "0"),
        ("HUB_MAX_UPLOAD_FILES", "-3"),
        ("HUB_MAX_UPLOAD_FILES", "0"),
        ("HUB_INGEST_PER_MINUTE", "1.5"),
    ],
)
def test_an_upload_limit_that_is_not_usable_names_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingError, match=f"^{name}="):
        Settings.from_env({name: value})


def test_the_cache_control_of_answers_to_get() -> None:
    assert Settings.from_env({}).cache_control == "public, max-age=0, must-revalidate"
    given = Settings.from_env({"HUB_CACHE_CONTROL": " public, max-age=60 "})
    assert given.cache_control == "public, max-age=60"
    with pytest.raises(SettingError, match=re.escape("HUB_CACHE_CONTROL='public,\\nmax-age=60'")):
        Settings.from_env({"HUB_CACHE_CONTROL": "public,\nmax-age=60"})
    with pytest.raises(SettingError, match=re.escape("HUB_CACHE_CONTROL='公开'")):
        Settings.from_env({"HUB_CACHE_CONTROL": "公开"})
