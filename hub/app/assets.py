"""Third-party files the pages load (GraphiQL, Apache ECharts), pinned, checked and served by
the hub itself, so that nothing has to come from the internet while it runs.

Nothing third-party is committed: ``hub assets fetch`` downloads the npm tarballs (or reads
them from a folder carried into an intranet), checks each against the registry's sha512 and
keeps only the files the pages use, under ``PACKAGE@VERSION/``: a version bump changes every
URL, so browsers may cache the files for good.
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

__all__ = [
    "ASSETS",
    "ASSETS_PATH",
    "Asset",
    "AssetError",
    "AssetFile",
    "Fetched",
    "LocalAssets",
    "asset_url",
    "assets_dir",
    "cdn_url",
    "damaged_assets",
    "fetch_assets",
    "find_asset",
    "missing_assets",
]

REGISTRY = "https://registry.npmjs.org"
CDN = "https://unpkg.com"
ASSETS_PATH = "/assets"
"""Where the hub serves its copy: ``/assets/graphiql@3.8.3/graphiql.min.js``."""


@dataclass(frozen=True)
class AssetFile:
    """A file of a package, by its path in the tarball, with the sha384 of the file itself.

    That hash is the one a browser checks (``integrity=``) when the file comes from a CDN,
    which serves the tarball's files byte for byte; the hub checks its own copy against it too.
    """

    path: str
    integrity: str

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


@dataclass(frozen=True)
class Asset:
    """An npm package, pinned by version and tarball integrity, and the files used from it."""

    package: str
    version: str
    integrity: str
    files: tuple[AssetFile, ...]

    @property
    def folder(self) -> str:
        return f"{self.package}@{self.version}"

    @property
    def tarball(self) -> str:
        return f"{self.package}-{self.version}.tgz"

    @property
    def url(self) -> str:
        return f"{REGISTRY}/{self.package}/-/{self.tarball}"

    def file(self, name: str) -> AssetFile:
        for candidate in self.files:
            if name in (candidate.name, candidate.path):
                return candidate
        known = ", ".join(f.name for f in self.files)
        raise KeyError(f"{self.package} has no pinned file {name!r} (it has {known})")


# The tarball hashes are the registry's ``dist.integrity``; the file hashes were computed from
# the verified tarballs, and those of react, react-dom and graphiql are the ones strawberry's
# own GraphiQL page pins for the same files on unpkg.
ASSETS = (
    Asset(
        "react",
        "18.2.0",
        "sha512-/3IjMdb2L9QbBdWiW5e3P2/npwMBaU9mHCSCUzNln0ZCYbcfTsGbTJrU/kGemdH2IWmB2ioZ+zkxtmq6g09fGQ==",
        (
            AssetFile(
                "umd/react.production.min.js",
                "sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8",
            ),
        ),
    ),
    Asset(
        "react-dom",
        "18.2.0",
        "sha512-6IMTriUmvsjHUjNtEDudZfuDQUoWXVxKHhlEGSk81n4YFS+r/Kl99wXiwlVXtPBtJenozv2P+hxDsw9eA7Xo6g==",
        (
            AssetFile(
                "umd/react-dom.production.min.js",
                "sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh",
            ),
        ),
    ),
    Asset(
        "graphiql",
        "3.8.3",
        "sha512-cuPDYtXVKV86Pu5PHBX642Odi/uVEE2y1Jxq5rGO/Qy1G2lRp7ZZ7a/T30RzxhuLSWo9zUbzq0P3U49//H0Ugw==",
        (
            AssetFile(
                "graphiql.min.js",
                "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie",
            ),
            AssetFile(
                "graphiql.min.css",
                "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
            ),
        ),
    ),
    Asset(
        "echarts",
        "5.6.0",
        "sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA==",
        (
            AssetFile(
                "dist/echarts.min.js",
                "sha384-pPi0zxBAoDu6+JXW/C68UZLvBUUtU+7zonhif43rqj7pxsGyqyqzcian2Rj37Rss",
            ),
        ),
    ),
)


class AssetError(Exception):
    """Assets that cannot be had or do not match their pinned hash."""


def assets_dir(configured: str = "") -> Path:
    """The configured folder, else ``share/budget-hub/assets`` in the Python environment."""
    return Path(configured) if configured else Path(sys.prefix) / "share" / "budget-hub" / "assets"


def find_asset(package: str) -> Asset:
    for asset in ASSETS:
        if asset.package == package:
            return asset
    pinned = ", ".join(a.package for a in ASSETS)
    raise KeyError(f"no pinned package {package!r} (pinned: {pinned})")


def asset_url(package: str, name: str) -> str:
    """The path this server serves a pinned file at: ``asset_url("echarts", "echarts.min.js")``
    is ``/assets/echarts@5.6.0/echarts.min.js``. KeyError for a file that is not pinned."""
    asset = find_asset(package)
    return f"{ASSETS_PATH}/{asset.folder}/{asset.file(name).name}"


def cdn_url(package: str, name: str) -> str:
    """The same file, same version, on the public CDN."""
    asset = find_asset(package)
    return f"{CDN}/{asset.folder}/{asset.file(name).path}"


def _local(folder: Path, asset: Asset, file: AssetFile) -> Path:
    return folder / asset.folder / file.name


def _sri(algorithm: str, data: bytes) -> str:
    return f"{algorithm}-" + base64.b64encode(hashlib.new(algorithm, data).digest()).decode()


def _pinned_files(packages: tuple[str, ...] | None) -> Iterator[tuple[Asset, AssetFile]]:
    for asset in ASSETS:
        if packages is None or asset.package in packages:
            for file in asset.files:
                yield asset, file


def missing_assets(folder: Path, packages: tuple[str, ...] | None = None) -> list[str]:
    """The pinned files (of ``packages``, default all) that ``folder`` lacks: a few stat calls."""
    return [
        f"{asset.folder}/{file.name}"
        for asset, file in _pinned_files(packages)
        if not _local(folder, asset, file).is_file()
    ]


def damaged_assets(folder: Path, packages: tuple[str, ...] | None = None) -> list[str]:
    """The pinned files that ``folder`` lacks or holds altered: reads and hashes each file."""
    damaged = []
    for asset, file in _pinned_files(packages):
        path = _local(folder, asset, file)
        if not path.is_file() or _sri("sha384", path.read_bytes()) != file.integrity:
            damaged.append(f"{asset.folder}/{file.name}")
    return damaged


def _check(asset: Asset, data: bytes) -> None:
    if _sri("sha512", data) != asset.integrity:
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


def _kept(asset: Asset, keep: Path) -> bytes | None:
    """The tarball already saved in ``keep``, if it is there and intact."""
    path = keep / asset.tarball
    if not path.is_file():
        return None
    data = path.read_bytes()
    return data if _sri("sha512", data) == asset.integrity else None


def _tarball(asset: Asset, source: Path | None, keep: Path | None) -> bytes:
    kept = _kept(asset, keep) if keep is not None else None
    if kept is not None:
        return kept
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
    return data


@dataclass
class Fetched:
    """What ``fetch_assets`` did, package by package."""

    fetched: list[Asset] = field(default_factory=list)
    present: list[Asset] = field(default_factory=list)
    """Already in the folder and matching their pins: nothing was downloaded for them."""


def fetch_assets(target: Path, source: Path | None = None, keep: Path | None = None) -> Fetched:
    """Put the pinned files under ``target``: from tarballs in ``source``, else the registry.

    A package whose files are already there and match their pins is skipped, so a second run
    downloads nothing. With ``keep``, the verified tarballs are also saved there, to carry to
    another machine (which needs them even when the files are present).
    """
    done = Fetched()
    for asset in ASSETS:
        intact = not damaged_assets(target, (asset.package,))
        if intact and (keep is None or _kept(asset, keep) is not None):
            done.present.append(asset)
            continue
        data = _tarball(asset, source, keep)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for file in asset.files:
                member = archive.extractfile(f"package/{file.path}")
                if member is None:
                    raise AssetError(f"{asset.tarball} has no {file.path}")
                content = member.read()
                if _sri("sha384", content) != file.integrity:
                    raise AssetError(f"{asset.tarball}: {file.path} does not match its pin")
                out = _local(target, asset, file)
                out.parent.mkdir(parents=True, exist_ok=True)
                # A running hub checks only that the file exists: never let it see half of one.
                partial = out.with_name(out.name + ".partial")
                partial.write_bytes(content)
                partial.replace(out)
        done.fetched.append(asset)
    return done


class LocalAssets(Mapping[str, str]):
    """Package → URL of its (first) file, for the packages ``folder`` holds at the moment of
    asking: a page rendered after ``hub assets fetch`` links the files without a restart."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __getitem__(self, package: str) -> str:
        asset = find_asset(package)
        if missing_assets(self.folder, (package,)):
            raise KeyError(package)
        return asset_url(package, asset.files[0].name)

    def __iter__(self) -> Iterator[str]:
        return (a.package for a in ASSETS if not missing_assets(self.folder, (a.package,)))

    def __len__(self) -> int:
        return sum(1 for _ in self)
