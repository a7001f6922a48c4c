"""GraphiQL that works without internet: its assets come from the npm registry, pinned and
checked against their integrity hashes, into a folder the hub serves itself.

Nothing third-party is committed: ``hub assets fetch`` downloads the tarballs (or reads them
from a folder carried into an intranet) and keeps only the files the page needs.
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ASSETS", "AssetError", "assets_dir", "fetch_assets", "missing_assets", "page"]

REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True)
class Asset:
    """An npm package, pinned by version and integrity, and the files the page uses from it."""

    package: str
    version: str
    integrity: str
    files: tuple[str, ...]

    @property
    def tarball(self) -> str:
        return f"{self.package}-{self.version}.tgz"

    @property
    def url(self) -> str:
        return f"{REGISTRY}/{self.package}/-/{self.tarball}"


# The versions strawberry's own GraphiQL page loads, with the registry's sha512 integrity.
ASSETS = (
    Asset(
        "react",
        "18.2.0",
        "sha512-/3IjMdb2L9QbBdWiW5e3P2/npwMBaU9mHCSCUzNln0ZCYbcfTsGbTJrU/kGemdH2IWmB2ioZ+zkxtmq6g09fGQ==",
        ("umd/react.production.min.js",),
    ),
    Asset(
        "react-dom",
        "18.2.0",
        "sha512-6IMTriUmvsjHUjNtEDudZfuDQUoWXVxKHhlEGSk81n4YFS+r/Kl99wXiwlVXtPBtJenozv2P+hxDsw9eA7Xo6g==",
        ("umd/react-dom.production.min.js",),
    ),
    Asset(
        "graphiql",
        "3.8.3",
        "sha512-cuPDYtXVKV86Pu5PHBX642Odi/uVEE2y1Jxq5rGO/Qy1G2lRp7ZZ7a/T30RzxhuLSWo9zUbzq0P3U49//H0Ugw==",
        ("graphiql.min.js", "graphiql.min.css"),
    ),
)


class AssetError(Exception):
    """Assets that cannot be had or do not match their pinned hash."""


def assets_dir(configured: str = "") -> Path:
    """The configured folder, else ``share/budget-hub/graphiql`` in the Python environment."""
    return (
        Path(configured) if configured else Path(sys.prefix) / "share" / "budget-hub" / "graphiql"
    )


def _check(asset: Asset, data: bytes) -> None:
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != asset.integrity:
        raise AssetError(
            f"{asset.tarball} does not match its pinned integrity {asset.integrity[:20]}…: "
            "refusing to use it"
        )


def _download(asset: Asset) -> bytes:
    try:
        with urllib.request.urlopen(asset.url, timeout=60) as response:
            data: bytes = response.read()
            return data
    except OSError as exc:
        raise AssetError(
            f"cannot download {asset.url} ({exc}); on a machine without internet, copy the "
            "tarballs and run `hub assets fetch --from FOLDER`"
        ) from None


def fetch_assets(target: Path, source: Path | None = None, keep: Path | None = None) -> list[Path]:
    """Put the page's files under ``target``: from tarballs in ``source``, else the registry.

    With ``keep``, the verified tarballs are also saved there, to carry to another machine.
    """
    written: list[Path] = []
    for asset in ASSETS:
        if source is not None:
            path = source / asset.tarball
            if not path.is_file():
                raise AssetError(f"{path} is missing: expected the npm tarball {asset.tarball}")
            data = path.read_bytes()
        else:
            data = _download(asset)
        _check(asset, data)
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / asset.tarball).write_bytes(data)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for name in asset.files:
                member = archive.extractfile(f"package/{name}")
                if member is None:
                    raise AssetError(f"{asset.tarball} has no {name}")
                out = target / asset.package / Path(name).name
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(member.read())
                written.append(out)
    return written


def missing_assets(folder: Path) -> list[str]:
    return [
        f"{asset.package}/{Path(name).name}"
        for asset in ASSETS
        for name in asset.files
        if not (folder / asset.package / Path(name).name).is_file()
    ]


def page(prefix: str) -> str:
    """The GraphiQL page, loading everything from ``prefix`` on this server.

    A query can be handed over in the fragment: ``/graphql#query=…``.
    """
    return f"""<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>Budget Hub · GraphiQL</title>
<link rel="stylesheet" href="{prefix}/graphiql/graphiql.min.css">
<style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="{prefix}/react/react.production.min.js"></script>
<script src="{prefix}/react-dom/react-dom.production.min.js"></script>
<script src="{prefix}/graphiql/graphiql.min.js"></script>
<script>
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const fetcher = GraphiQL.createFetcher({{ url: window.location.pathname }});
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {{
      fetcher,
      defaultEditorToolbarOpen: true,
      query: fragment.get("query") || undefined,
    }})
  );
</script>
</body>
</html>
"""
