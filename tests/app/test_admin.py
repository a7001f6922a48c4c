"""``hub token``, ``hub audit``, ``hub withdraw`` and ``hub ingest --restore`` as a user runs
them: a real process, its output and exit status, on both backends."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.app.test_cli import hub
from tests.seed import SEED


@pytest.fixture
def env(backend: str, new_database_url: Callable[[str], str]) -> dict[str, str]:
    return {"HUB_DATABASE_URL": new_database_url(backend)}


def _changed_seed(folder: Path) -> Path:
    """The seed with one figure corrected: the same department and year, other bytes."""
    changed = folder / "seed-corrected.txt"
    changed.write_text(SEED.read_text(encoding="utf-8").replace("3814.52", "3814.53", 1))
    return changed


def test_tokens_are_made_listed_and_revoked(tmp_path: Path) -> None:
    """On SQLite (the store's token functions run on both backends in tests/app/test_service.py)."""
    env = {"HUB_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}"}
    made = hub("token", "create", "city-pipeline", cwd=tmp_path, env=env)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("hub_")
    assert len(token) > 40
    assert "cannot be shown again" in made.stderr
    listed = hub("token", "list", cwd=tmp_path, env=env)
    assert listed.stdout.startswith("city-pipeline ")
    assert listed.stdout.rstrip().endswith("active")
    assert token not in listed.stdout
    again = hub("token", "create", "city-pipeline", cwd=tmp_path, env=env)
    assert again.returncode == 1
    assert "a token named 'city-pipeline' exists (in use)" in again.stderr
    reserved = hub("token", "create", "cli", cwd=tmp_path, env=env)
    assert reserved.returncode == 1
    assert "not 'cli'" in reserved.stderr
    revoked = hub("token", "revoke", "city-pipeline", cwd=tmp_path, env=env)
    assert (revoked.returncode, revoked.stdout) == (0, "token 'city-pipeline' revoked\n")
    assert "revoked 20" in hub("token", "list", cwd=tmp_path, env=env).stdout
    unknown = hub("token", "revoke", "nobody", cwd=tmp_path, env=env)
    assert unknown.returncode == 1
    assert "no token named 'nobody'" in unknown.stderr
    entries = json.loads(hub("audit", "--json", cwd=tmp_path, env=env).stdout)
    assert [(e["actor"], e["action"], e["detail"]) for e in entries] == [
        ("cli", "TOKEN_CREATED", "city-pipeline"),
        ("cli", "TOKEN_REVOKED", "city-pipeline"),
    ]


def test_withdraw_then_restore(tmp_path: Path, env: dict[str, str]) -> None:
    changed = _changed_seed(tmp_path)
    assert hub("ingest", str(SEED), cwd=tmp_path, env=env).returncode == 0
    second = hub("ingest", str(changed), cwd=tmp_path, env=env)
    assert "loaded     seed-corrected.txt (version 2)" in second.stdout

    withdrawn = hub(
        "withdraw", "--department", "209", "--year", "2023", "--reason", "3814.53 is a typo",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert (withdrawn.returncode, withdrawn.stdout) == (
        0,
        "withdrew version 2 of 209 2023; version 1 is current again\n",
    ), withdrawn.stderr
    twice = hub(
        "withdraw", "--department", "209", "--year", "2023", "--version", "2", "--reason", "x",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert twice.returncode == 1
    assert "version 2 was withdrawn already" in twice.stderr
    assert "by cli" in twice.stderr
    nothing = hub(
        "withdraw", "--department", "209", "--year", "2019", "--reason", "x",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert nothing.returncode == 1
    assert "咸宁市经济和信息化局 has no current version for 2019" in nothing.stderr

    # The withdrawn bytes again: nothing changes unless asked.
    again = hub("ingest", str(changed), cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr
    assert (
        "withdrawn  seed-corrected.txt: version 2 was withdrawn (3814.53 is a typo); "
        "--restore makes it current again\n"
    ) in again.stdout
    export = hub("export", "--department", "209", "--year", "2023", "--format", "json",
                 "-o", str(tmp_path / "current.json"), cwd=tmp_path, env=env)  # fmt: skip
    assert export.returncode == 0, export.stderr
    assert (
        json.loads((tmp_path / "current.json").read_text(encoding="utf-8"))["about"]["版本"] == "1"
    )
    withdrawn_export = hub("export", "--department", "209", "--year", "2023", "--version", "2",
                           "--format", "json", "-o", str(tmp_path / "v2.json"), cwd=tmp_path,
                           env=env)  # fmt: skip
    assert withdrawn_export.returncode == 0, withdrawn_export.stderr
    about = json.loads((tmp_path / "v2.json").read_text(encoding="utf-8"))["about"]
    assert about["版本"] == "2（已撤回：3814.53 is a typo）"

    restored = hub("ingest", "--restore", str(changed), cwd=tmp_path, env=env)
    assert restored.returncode == 0, restored.stderr
    assert "restored   seed-corrected.txt: version 2 is current again\n" in restored.stdout

    entries = json.loads(hub("audit", "--json", cwd=tmp_path, env=env).stdout)
    assert [(e["actor"], e["action"], e["file"], e["result"], e["version"]) for e in entries] == [
        ("cli", "INGEST", SEED.name, "new", 1),
        ("cli", "INGEST", "seed-corrected.txt", "new version", 2),
        ("cli", "WITHDRAW", "seed-corrected.txt", "withdrawn", 2),
        ("cli", "INGEST", "seed-corrected.txt", "withdrawn", 2),
        ("cli", "INGEST", "seed-corrected.txt", "restored", 2),
    ]
    assert entries[2]["detail"] == "3814.53 is a typo"
    assert entries[0]["detail"] == "2 warning, 8 rounding"
    text = hub("audit", "--actor", "cli", "--since", "1h", cwd=tmp_path, env=env).stdout
    assert text.count("\n") == 5
    assert " WITHDRAW " in text
    bad = hub("audit", "--since", "yesterday", cwd=tmp_path, env=env)
    assert bad.returncode == 2
    assert "expected a span such as 30m" in bad.stderr
