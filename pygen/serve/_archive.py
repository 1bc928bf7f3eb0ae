"""The answers of ``POST /v1/generate``, built in memory from the generated files: nothing is written to disk,
installed, imported or run.

Every archive is deterministic (sorted entries, a fixed date, fixed modes and owners, no gzip timestamp), so
the same request gives the same bytes, and each generated file is stored with exactly the bytes ``pygen
generate`` writes (UTF-8, ``\\n`` line ends).

- ``tar.gz`` and ``zip``: the package tree as ``pygen generate --output DIR`` writes it into ``DIR``;
- ``wheel``: a PEP 427 wheel (``py3-none-any``) of the Python package: the tree, plus ``.dist-info`` with
  ``METADATA`` (requiring the runtime), ``WHEEL`` and ``RECORD`` (a SHA-256 of every file);
- ``npm``: the TypeScript package as ``npm pack`` makes it (a ``.tgz`` whose entries sit under ``package/``):
  a ``package.json`` that exports the generated ``index.ts``, and the tree.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import re
import tarfile
import zipfile
from collections.abc import Mapping

__all__ = ["npm_name_problem", "npm_package", "tar_gz", "wheel", "wheel_name_problem", "zip_archive"]

#: 1980-01-01T00:00:00Z: the earliest date a zip entry can carry, used by every archive.
EPOCH = 315532800
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_PEP508_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")
_NPM_NAME = re.compile(r"(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*")
_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?"
)
_ID_TEXT = re.compile(r"[^A-Za-z0-9_:/.-]")


def tar_gz(files: Mapping[str, bytes], prefix: str = "") -> bytes:
    """A gzip-compressed tar of ``files`` (path -> bytes), each path under ``prefix``."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(files):
            data = files[path]
            info = tarfile.TarInfo(prefix + path)
            info.size, info.mtime, info.mode = len(data), EPOCH, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=0, compresslevel=6) as gz:
        gz.write(raw.getvalue())
    return packed.getvalue()


def zip_archive(files: Mapping[str, bytes]) -> bytes:
    """A zip of ``files`` (path -> bytes), entries sorted."""
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            _add(archive, path, files[path])
    return packed.getvalue()


def _add(archive: zipfile.ZipFile, path: str, data: bytes) -> None:
    info = zipfile.ZipInfo(path, date_time=_ZIP_DATE)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def wheel_name_problem(distribution: str, version: str) -> str | None:
    """Why ``distribution`` / ``version`` cannot name a wheel, or None."""
    from packaging.version import InvalidVersion, Version

    if not _PEP508_NAME.fullmatch(distribution):
        return f"distribution {distribution!r} is not a valid name: letters, digits, '.', '-' and '_' (PEP 508)"
    try:
        Version(version)
    except InvalidVersion:
        return f"version {version!r} is not a valid version (PEP 440), e.g. '1.0.0'"
    return None


def wheel(
    files: Mapping[str, bytes], *, distribution: str, version: str, requires: list[str], summary: str
) -> tuple[str, bytes]:
    """``(file name, bytes)`` of a pure-Python wheel holding ``files`` (check the names with
    :func:`wheel_name_problem` first)."""
    from packaging.version import Version

    from pygen import __version__

    name = re.sub(r"[-_.]+", "_", distribution).lower()
    normalized = str(Version(version))
    dist_info = f"{name}-{normalized}.dist-info"
    metadata = [
        "Metadata-Version: 2.1",
        f"Name: {distribution}",
        f"Version: {normalized}",
        f"Summary: {_one_line(summary)}",
        "Requires-Python: >=3.10",
        *(f"Requires-Dist: {requirement}" for requirement in requires),
    ]
    wheel_file = [
        "Wheel-Version: 1.0",
        f"Generator: pygen serve {__version__}",
        "Root-Is-Purelib: true",
        "Tag: py3-none-any",
    ]
    contents = {path: files[path] for path in sorted(files)}
    contents[f"{dist_info}/METADATA"] = ("\n".join(metadata) + "\n").encode("utf-8")
    contents[f"{dist_info}/WHEEL"] = ("\n".join(wheel_file) + "\n").encode("utf-8")
    record = [f"{path},sha256={_digest(data)},{len(data)}" for path, data in contents.items()]
    record.append(f"{dist_info}/RECORD,,")
    contents[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode("utf-8")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in contents.items():  # the package first, .dist-info last (RECORD at the very end)
            _add(archive, path, data)
    return f"{name}-{normalized}-py3-none-any.whl", packed.getvalue()


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def _one_line(text: str) -> str:
    """Text for a one-line metadata field: model ids are the caller's text, so anything unusual becomes '?'."""
    return " ".join(_ID_TEXT.sub("?", word) for word in text.split())[:200]


def npm_name_problem(name: str, version: str) -> str | None:
    """Why ``name`` / ``version`` cannot name an npm package, or None."""
    if len(name) > 214 or not _NPM_NAME.fullmatch(name):
        return f"npm package name {name!r} is not valid: lower-case letters, digits, '-', '.', '_', '~' (and a scope)"
    if not _SEMVER.fullmatch(version):
        return f"version {version!r} is not a valid npm (semver) version, e.g. '1.0.0'"
    return None


def npm_package(files: Mapping[str, bytes], *, name: str, version: str, package: str, summary: str) -> bytes:
    """The ``.tgz`` ``npm pack`` would make of a folder with a ``package.json`` and the generated ``package/``."""
    manifest = {
        "name": name,
        "version": version,
        "description": _one_line(summary),
        "type": "module",
        "main": f"./{package}/index.ts",
        "types": f"./{package}/index.ts",
        "exports": {".": f"./{package}/index.ts"},
        "files": [package],
        "sideEffects": False,
    }
    contents = dict(files)
    contents["package.json"] = (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
    return tar_gz(contents, prefix="package/")
