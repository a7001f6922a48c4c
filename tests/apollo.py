"""Apollo Client (the npm package) in Node against a hub served on a loopback port: the
helpers of the tests that prove the hub's answers work with the real client.

The npm packages are those of tests/js/package-lock.json, installed with ``npm ci`` (every
package checked against its integrity hash) into a cache folder outside the repository, once
per lock file (``HUB_TEST_NPM_DIR``, default ``~/.cache/budget-hub/npm``). Without Node.js and
npm these tests are skipped with the reason, except under CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.types import ASGIApp

from tests.conftest import IN_CI, ROOT

JS = ROOT / "tests" / "js"


def _node_missing() -> str | None:
    missing = [name for name in ("node", "npm") if shutil.which(name) is None]
    if missing:
        return (
            f"{' and '.join(missing)} not found: install Node.js (20 or later) with npm to run "
            "Apollo Client against the hub"
        )
    return None


def _npm_folder() -> Path:
    """Where the lock file's packages are installed: one folder per lock file, reused."""
    lock = (JS / "package-lock.json").read_bytes() + (JS / "package.json").read_bytes()
    base = os.environ.get("HUB_TEST_NPM_DIR") or str(
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "budget-hub" / "npm"
    )
    return Path(base) / hashlib.sha256(lock).hexdigest()[:16]


def node_modules() -> Path:
    """``npm ci`` of tests/js into the cache folder (skipped when already there); skips the
    test, or fails it under CI, without Node.js and npm."""
    reason = _node_missing()
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI needs Node.js: {reason}")
        pytest.skip(reason)
    folder = _npm_folder()
    installed = folder / "node_modules"
    if (installed / ".package-lock.json").exists():
        return installed
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent) as scratch:
        for name in ("package.json", "package-lock.json"):
            shutil.copy(JS / name, Path(scratch) / name)
        done = subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline"],
            cwd=scratch,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"npm ci failed:\n{done.stdout}\n{done.stderr}"
        try:
            Path(scratch).rename(folder)
        except OSError:  # another run installed it meanwhile
            assert (installed / ".package-lock.json").exists()
        else:
            Path(scratch).mkdir()  # for the context manager to remove
    return installed


@asynccontextmanager
async def served(app: ASGIApp) -> AsyncIterator[str]:
    """``app`` listening on a loopback port in this test's event loop; its base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_config=None, access_log=False))
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:
        assert not serving.done(), serving.exception()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        await serving
        listener.close()


async def run(node_modules: Path, script: str, given: dict[str, Any]) -> dict[str, Any]:
    """``node tests/js/SCRIPT INPUT.json``; what it printed, as JSON."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.json"
        path.write_text(json.dumps(given))
        node = await asyncio.create_subprocess_exec(
            "node",
            str(JS / script),
            str(path),
            env={**os.environ, "NODE_PATH": str(node_modules)},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(node.communicate(), timeout=120)
    assert node.returncode == 0, err.decode()
    result: dict[str, Any] = json.loads(out)
    return result
