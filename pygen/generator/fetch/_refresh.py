"""A project's pinned data models: where a build gets them, and ``pygen refresh``, which re-fetches them.

Where a model comes from, in order (:func:`obtain_models`, used by the hatch hook):

1. the project's snapshot for the pinned version (``<snapshots>/<space>.<externalId>.<version>.json``);
2. the user cache (models fetched before on this machine, keyed by cluster, project and model);
3. CDF, with ``[tool.pygen.cdf]`` and a secret from the environment or the keyring; the model is
   then cached and its snapshot written, so the next build (and the sdist) needs no network.

``pygen refresh`` (:func:`refresh`; its command line is in ``pygen.cli``) always fetches: it rewrites the
snapshots that changed (each file atomically, and only after every model was fetched), can move a pin to a newer version
(``--upgrade``), and prints what changed (views added or removed, properties added, removed or
retyped). ``--check`` only reports, and exits 1 when a snapshot is out of date.

Example:
    >>> from pygen.generator.config import load_config
    >>> config = load_config("example_project")
    >>> for item in obtain_models(config, "example_project"):
    ...     print(item.ref, item.source)
    cdf_cdm:CogniteCore/v1 snapshot
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pygen._extras import MissingExtraError, install_hint, missing_fetch_module
from pygen.generator.fetch._cache import CacheKey, ModelCache
from pygen.generator.fetch._credentials import credentials_help, resolve_client_secret, resolve_token
from pygen.generator.fetch._diff import ModelDiff, diff_models
from pygen.generator.fetch._errors import CredentialsError, ModelNotFoundError, SnapshotError
from pygen.generator.fetch._local import load_model_files
from pygen.generator.fetch._ref import ModelRef
from pygen.generator.fetch._remote import fetch_model
from pygen.generator.fetch._snapshot import atomic_write_bytes, load_snapshot, write_snapshot

# The HTTP transport (httpx) is imported where a model is fetched: a build from committed snapshots goes
# through obtain_models without it.
if TYPE_CHECKING:
    from pygen.generator.config import CDFConfig, PygenConfig
    from pygen.transport import ConnectionFailedError, HTTPClient, RetryNotice, RetryPolicy

__all__ = [
    "ModelChange",
    "ModelSource",
    "ObtainedModel",
    "REFRESH_HINT",
    "connect",
    "shown_path",
    "obtain_models",
    "refresh",
]

ModelSource = Literal["snapshot", "cache", "cdf", "file"]
#: How fetches talk to CDF: a cluster that does not answer fails within about a minute and a half,
#: with a progress line before every wait (see :func:`describe_retry`), never in silence: FETCH_TIMEOUT
#: seconds per request, and the transport's retry policy with FETCH_RETRIES retries, waiting at most
#: FETCH_BACKOFF_MAX seconds between two.
FETCH_TIMEOUT = 20.0
FETCH_RETRIES = 3
FETCH_BACKOFF_MAX = 8.0
#: How messages tell a user to refresh the snapshots (both spellings work in the example project).
REFRESH_HINT = "pygen refresh (or `hatch run pygen:refresh`)"

Report = Callable[[str], None]
Connect = Callable[["CDFConfig", Report], "HTTPClient"]


@dataclass(frozen=True)
class ObtainedModel:
    """A model, where it came from, and its file in the project.

    ``snapshot`` is the snapshot of a pinned model, or the `model-files` entry (file or folder) of a
    model defined in the project (``source == "file"``); ``files`` are then the files it was read from.
    """

    ref: ModelRef
    model: dict[str, Any] = field(repr=False)
    source: ModelSource
    snapshot: Path
    files: tuple[Path, ...] = ()


def connect(
    cdf: CDFConfig,
    report: Report | None = None,
    *,
    client_name: str = "pygen",
    timeout: float = FETCH_TIMEOUT,
    retry: RetryPolicy | None = None,
) -> HTTPClient:
    """A client for ``[tool.pygen.cdf]``; the secret comes from the environment or the keyring.

    With ``client-id`` the OAuth client secret is resolved (``PYGEN_CLIENT_SECRET``, then keyring
    ``pygen:<base-url>`` / client id); without it a static token (``PYGEN_TOKEN``, then keyring user
    ``token``). Raises :class:`CredentialsError` with the full "how to provide credentials" help.
    ``report`` receives a line before every retry wait. ``retry`` defaults to FETCH_RETRIES retries, waiting
    at most FETCH_BACKOFF_MAX seconds.
    """
    from pygen.transport import ClientConfig, HTTPClient, OAuthClientCredentials, RetryPolicy, Token

    if retry is None:
        retry = RetryPolicy(max_retries=FETCH_RETRIES, backoff_max=FETCH_BACKOFF_MAX)
    base_url = cdf.base_url
    try:
        if cdf.client_id is not None:
            secret = resolve_client_secret(base_url, cdf.client_id)
            credentials: OAuthClientCredentials | Token = OAuthClientCredentials(
                cdf.client_id,
                secret.value,
                token_url=cdf.token_url,
                tenant_id=cdf.tenant_id,
                scopes=cdf.scopes,
                audience=cdf.audience,
            )
        else:
            credentials = Token(resolve_token(base_url).value)
    except CredentialsError as exc:
        first = str(exc).splitlines()[0]
        raise CredentialsError(f"{first}\n{credentials_help(base_url, cdf.client_id, refresh_command=None)}") from None
    config = ClientConfig(
        project=cdf.project,
        credentials=credentials,
        base_url=base_url,
        client_name=client_name,
        timeout=timeout,
        retry=retry,
    )
    on_retry = None if report is None else (lambda notice: report(describe_retry(notice)))
    return HTTPClient(config, on_retry=on_retry)


def describe_retry(notice: RetryNotice) -> str:
    """The progress line before a retry wait.

    E.g. ``pygen: no answer from https://.../byids (ConnectError: ...); retry 1 of 3 in 0.4 s``.
    """
    what = (
        f"{notice.url} answered {notice.reason}" if notice.status else f"no answer from {notice.url} ({notice.reason})"
    )
    return f"pygen: {what}; retry {notice.retry} of {notice.max_retries} in {notice.delay:.1f} s"


def _connecting(client: HTTPClient) -> str:
    config = client.config
    return (
        f"pygen: connecting to {config.base_url} (project {config.project!r}; timeout {config.timeout:g} s per "
        f"request, up to {config.retry.max_retries} retries)"
    )


def _unreachable(exc: ConnectionFailedError, cdf: CDFConfig) -> ConnectionFailedError:
    from pygen.transport import ConnectionFailedError

    key = "`base-url`" if cdf.cluster is None else "`cluster`"
    return ConnectionFailedError(
        f"cannot reach {cdf.base_url}: {exc}\nCheck {key} in [tool.pygen.cdf] and the network (behind a proxy, set "
        "HTTPS_PROXY).",
        attempts=exc.attempts,
    )


def obtain_models(
    config: PygenConfig,
    project_dir: str | os.PathLike[str],
    *,
    cache: ModelCache | None = None,
    connect: Connect = connect,
    report: Report | None = None,
    waiting: Report | None = None,
    write_snapshots: bool = True,
    install_fetch: str | None = None,
) -> list[ObtainedModel]:
    """Every pinned model of ``config``, from the snapshot, the user cache, or CDF (in that order).

    A model taken from the cache or CDF gets its snapshot written (unless ``write_snapshots`` is
    false), so that it can be committed and later builds, including the one from the sdist, need no
    network. ``report``/``waiting`` receive progress lines (the hatch hook passes its display).

    Models from snapshots need only the ``generator`` extra; the cache and CDF need the ``fetch`` extra
    (keyring, platformdirs, filelock). ``install_fetch`` says how to add it where the caller runs (the
    build hooks name their build requirement); by default, pip or the hatch environment's dependencies.

    Raises :class:`SnapshotError` for a snapshot that holds another model or version than pinned,
    or when a model is missing and ``[tool.pygen.cdf]`` is not configured; :class:`MissingExtraError`
    when a model must be fetched and the ``fetch`` extra is not installed; :class:`CredentialsError`
    (saying which command stores the secret, which variables to set, or to run the refresh) when a
    fetch is needed and no secret is found; the transport's errors for HTTP failures.
    """
    say = report or _quiet
    wait = waiting or say
    root = Path(project_dir)
    check_snapshot_locations(config, root)
    results: list[ObtainedModel] = []
    client: HTTPClient | None = None
    try:
        for ref in config.refs:
            path = config.snapshot_file(root, ref)
            shown = shown_path(path, root)
            if path.is_file():
                results.append(ObtainedModel(ref, _load_pinned(path, ref, shown), "snapshot", path))
                say(f"pygen: {ref} from the snapshot {shown}")
                continue
            if config.cdf is None:
                raise SnapshotError(
                    f"{shown}: no snapshot of {ref}{_other_versions(path, ref)}, and pyproject.toml has no "
                    "[tool.pygen.cdf] table to fetch it from CDF. Add the snapshot (run "
                    f"{REFRESH_HINT} where CDF is reachable and commit it), or configure [tool.pygen.cdf]."
                )
            missing = missing_fetch_module()
            if missing is not None:
                raise MissingExtraError(
                    "fetch",
                    missing,
                    "fetching a model",
                    message=f"{shown}: no snapshot of {ref}{_other_versions(path, ref)}, so pygen must fetch it "
                    f"(from the user cache or CDF), which needs the 'fetch' extra ({missing} is not installed).\n"
                    f"  - {_lower_first(install_fetch or install_hint('fetch'))}\n"
                    f"  - or run {REFRESH_HINT} where credentials are available and commit the snapshot; builds "
                    "then need neither credentials nor the extra.",
                )
            cache = cache if cache is not None else ModelCache()
            key = CacheKey(config.cdf.base_url, config.cdf.project, ref)
            model = cache.get(key)
            source: ModelSource = "cache"
            if model is None:
                if client is None:
                    try:
                        client = connect(config.cdf, wait)
                    except CredentialsError as exc:
                        raise CredentialsError(
                            f"{shown}: no snapshot of {ref}{_other_versions(path, ref)} and it is not in the "
                            f"user cache ({cache.root}), so pygen must fetch it, but {_lower_first(str(exc))}\n"
                            f"  - or run {REFRESH_HINT} where credentials are available and commit the snapshot; "
                            "builds then need no credentials."
                        ) from None
                    wait(_connecting(client))
                wait(f"pygen: fetching {ref} from project {config.cdf.project!r} at {config.cdf.base_url}")
                from pygen.transport import ConnectionFailedError

                try:
                    model = cache.get_or_fetch(key, _fetcher(client, ref), waiting=wait)
                except ConnectionFailedError as exc:
                    raise _unreachable(exc, config.cdf) from exc
                source = "cdf"
            else:
                say(f"pygen: {ref} from the user cache ({cache.path(key)})")
            if write_snapshots:
                try:
                    write_snapshot(path, model)
                    say(f"pygen: wrote the snapshot {shown}; commit it so builds need no credentials")
                except OSError as exc:
                    say(f"pygen: could not write the snapshot {shown} ({exc}); continuing without it")
            results.append(ObtainedModel(ref, model, source, path))
    finally:
        if client is not None:
            client.close()
    pinned = {ref: ref for ref in config.refs}
    for entry in config.model_files:
        where = root / entry
        check_inside_project(where, root, entry, "this `model-files` entry")
        for local in load_model_files(where, shown=entry):
            for file in local.files:
                check_inside_project(file, root, shown_path(file, root), f"a file of the `model-files` entry {entry}")
            if local.ref in pinned or any(item.ref == local.ref for item in results):
                raise SnapshotError(
                    f"{entry}: defines data model {local.ref}, which [tool.pygen] already takes from "
                    f"{'`models`' if local.ref in pinned else 'another model file'}; give each data model once"
                )
            results.append(ObtainedModel(local.ref, local.model, "file", where, local.files))
            say(f"pygen: {local.ref} from the model files {entry}")
    return results


@dataclass(frozen=True)
class ModelChange:
    """What ``pygen refresh`` found for one pinned model."""

    old_ref: ModelRef
    new_ref: ModelRef
    diff: ModelDiff
    old_snapshot: Path
    new_snapshot: Path
    model: dict[str, Any] = field(repr=False)

    @property
    def needs_write(self) -> bool:
        """True when the snapshot file must be (re)written: a new pin, a missing file, or any change."""
        return self.old_ref != self.new_ref or self.diff.old_model is None or not self.diff.identical


def refresh(
    config: PygenConfig,
    project_dir: str | os.PathLike[str],
    *,
    upgrade: Sequence[str] | bool = False,
    check: bool = False,
    cache: ModelCache | None = None,
    connect: Connect = connect,
    report: Report | None = None,
) -> list[ModelChange]:
    """Fetch every pinned model again (or a newer version, with ``upgrade``), then rewrite the snapshots.

    ``upgrade=True`` moves every model to the newest version in CDF (the most recently created);
    a list of ``"space:externalId"`` (newest) or ``"space:externalId/version"`` (that version) moves
    only those. New pins are written into ``pyproject.toml`` and the old snapshot files removed.
    Nothing is written until every model has been fetched; each file is replaced atomically. With
    ``check=True`` nothing is written at all. Returns one :class:`ModelChange` per model.
    """
    missing = missing_fetch_module()
    if missing is not None:
        raise MissingExtraError("fetch", missing, "refreshing the snapshots")
    say = report or _quiet
    root = Path(project_dir)
    cdf = config.cdf
    if not config.refs:
        say("pygen refresh: [tool.pygen] pins no `models` (the `model-files` are read as they are): nothing to do")
        return []
    if cdf is None:
        from pygen.generator.config import ConfigError

        raise ConfigError(
            "pyproject.toml: [tool.pygen.cdf] is missing; refreshing needs the CDF connection "
            "(at least `cluster` or `base-url`, and `project`), e.g.\n"
            '    [tool.pygen.cdf]\n    cluster = "westeurope-1"\n'
            '    project = "my-project"\n    client-id = "my-client-id"\n    tenant-id = "my-tenant-id"'
        )
    check_snapshot_locations(config, root)
    targets = _upgrade_targets(config.refs, upgrade)
    cache = cache if cache is not None else ModelCache()
    from pygen.transport import ConnectionFailedError

    with connect(cdf, say) as client:
        say(_connecting(client))
        try:
            changes = _fetch_changes(client, config, cdf, root, targets, cache, say)
        except ConnectionFailedError as exc:
            raise _unreachable(exc, cdf) from exc
    if check:
        return changes
    for change in changes:
        if change.needs_write:
            write_snapshot(change.new_snapshot, change.model)
    moved = [(change.old_ref, change.new_ref) for change in changes if change.old_ref != change.new_ref]
    if moved:
        _rewrite_pins(root / "pyproject.toml", moved)
        for change in changes:
            if change.old_ref != change.new_ref and change.old_snapshot.is_file():
                change.old_snapshot.unlink()
    return changes


def _fetch_changes(
    client: HTTPClient,
    config: PygenConfig,
    cdf: CDFConfig,
    root: Path,
    targets: dict[ModelRef, ModelRef | None],
    cache: ModelCache,
    say: Report,
) -> list[ModelChange]:
    """Fetch every pinned model (or its upgrade target) and diff it against the snapshot; writes nothing."""
    changes: list[ModelChange] = []
    for ref in config.refs:
        target = targets.get(ref)
        if target is None:
            say(f"pygen: looking for the newest version of {ref.space}:{ref.external_id}")
            target = _newest_version(client, ref)
        say(f"pygen: fetching {target} from project {cdf.project!r} at {cdf.base_url}")
        model = fetch_model(client, target)
        try:
            cache.put(CacheKey(cdf.base_url, cdf.project, target), model)
        except OSError:
            pass  # the cache is an optimization
        old_path = config.snapshot_file(root, ref)
        old = _load_old(old_path, ref, say)
        changes.append(
            ModelChange(ref, target, diff_models(old, model), old_path, config.snapshot_file(root, target), model)
        )
    return changes


def _upgrade_targets(refs: Sequence[ModelRef], upgrade: Sequence[str] | bool) -> dict[ModelRef, ModelRef | None]:
    """Map each pinned ref to the ref to fetch; ``None`` means "the newest version"."""
    targets: dict[ModelRef, ModelRef | None] = {ref: ref for ref in refs}
    if upgrade is True:
        return dict.fromkeys(refs)
    if upgrade is False:
        return targets
    by_model = {(ref.space, ref.external_id): ref for ref in refs}
    for text in upgrade:
        space, _, rest = text.strip().partition(":")
        external_id, slash, version = rest.partition("/")
        pinned = by_model.get((space, external_id))
        if pinned is None:
            known = ", ".join(f"{ref.space}:{ref.external_id}" for ref in refs)
            raise SnapshotError(f"--upgrade {text}: not a data model pinned in [tool.pygen] `models` ({known})")
        targets[pinned] = ModelRef.parse(text) if slash else None
    return targets


def _newest_version(client: HTTPClient, ref: ModelRef) -> ModelRef:
    # byids without a version returns every version; CDF's "latest" is the most recently created one.
    response = client.post(
        "/models/datamodels/byids", json={"items": [{"space": ref.space, "externalId": ref.external_id}]}
    )
    items = [item for item in response.json().get("items", []) if isinstance(item, dict) and "version" in item]
    if not items:
        raise ModelNotFoundError(
            f"data model {ref.space}:{ref.external_id} not found in project {client.config.project!r} "
            f"at {client.config.base_url}"
        )
    newest = max(items, key=lambda item: (item.get("createdTime") or 0, str(item["version"])))
    return ModelRef.from_model(newest)


def _fetcher(client: HTTPClient, ref: ModelRef) -> Callable[[], dict[str, Any]]:
    return lambda: fetch_model(client, ref)


def check_snapshot_locations(config: PygenConfig, root: Path) -> None:
    """The snapshots folder and every pinned snapshot file: inside the project (also through symbolic links), and
    a folder and files where they exist.

    Raises :class:`SnapshotError` naming the path as configured (and where it leads).
    """
    folder = config.snapshot_dir(root)
    check_inside_project(folder, root, config.snapshots, "the snapshots folder")
    if folder.exists() and not folder.is_dir():
        raise SnapshotError(
            f"{config.snapshots}: is a file, but [tool.pygen] `snapshots` must name the folder that holds the "
            f"snapshots (one <space>.<externalId>.<version>.json per model); point `snapshots` at a folder "
            f'(default "pygen-snapshots"), or move the file away'
        )
    for ref in config.refs:
        path = config.snapshot_file(root, ref)
        shown = shown_path(path, root)
        check_inside_project(path, root, shown, f"the snapshot of {ref}")
        if path.exists() and not path.is_file():
            raise SnapshotError(
                f"{shown}: is a folder, but the snapshot of {ref} must be a JSON file of that name; remove the "
                f"folder and put the snapshot file there (or run {REFRESH_HINT} to fetch it)"
            )


def check_inside_project(path: Path, root: Path, shown: str, what: str) -> None:
    """Refuse ``path`` when it exists and resolves (through a symbolic link) to a place outside ``root``.

    What pygen reads must be part of the project: it is what the sdist ships, and a wheel built from the
    sdist reads the same bytes. A link out of the project would be read here and then shipped as a copy,
    or be missing where the project is built next.
    """
    if not path.is_symlink() and not path.exists():
        return
    project = root.resolve()
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links
        raise SnapshotError(
            f"{shown}: {what} is a loop of symbolic links; replace it with the file or folder"
        ) from None
    if real != project and project not in real.parents:
        raise SnapshotError(
            f"{shown}: {what} is outside the project: it leads to {real} through a symbolic link. pygen reads "
            "only files inside the project (the sdist ships them, and a build elsewhere reads the same bytes): "
            "move or copy it into the project and point pyproject.toml [tool.pygen] at that"
        )


def _load_pinned(path: Path, ref: ModelRef, shown: str) -> dict[str, Any]:
    try:
        model = load_snapshot(path)
    except SnapshotError as exc:
        # Name the file as the project does (a build from an sdist runs in a temporary folder).
        detail = str(exc).removeprefix(str(path)).removeprefix(": ")
        raise SnapshotError(
            f"{shown}: {detail}\n(restore the file from version control, or run {REFRESH_HINT} to fetch it again)"
        ) from None
    found = ModelRef.from_model(model)
    if found != ref:
        raise SnapshotError(
            f"{shown}: the snapshot holds data model {found}, but pyproject.toml [tool.pygen] `models` pins {ref}; "
            f"run {REFRESH_HINT} to fetch {ref}, or fix the pin"
        )
    return model


def _load_old(path: Path, ref: ModelRef, say: Report) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        return load_snapshot(path, expected=ref)
    except SnapshotError as exc:
        say(f"pygen: replacing an unusable snapshot: {exc}")
        return None


def _rewrite_pins(pyproject: Path, moved: Iterable[tuple[ModelRef, ModelRef]]) -> None:
    """Replace each old pin by the new one in ``[tool.pygen] models`` of ``pyproject.toml`` (tomlkit keeps the
    formatting and the comments of everything else)."""
    import tomlkit

    text = pyproject.read_text(encoding="utf-8")
    document = tomlkit.parse(text)
    models = document.get("tool", {}).get("pygen", {}).get("models")
    for old, new in moved:
        where = [i for i, item in enumerate(models or []) if isinstance(item, str) and str(item) == str(old)]
        if len(where) != 1:
            raise SnapshotError(
                f"{pyproject}: cannot update the pin {old} to {new} automatically (found it {len(where)} times in "
                f'[tool.pygen] `models`); edit it to "{new}" by hand, then run {REFRESH_HINT} again'
            )
        models[where[0]] = str(new)
    atomic_write_bytes(pyproject, tomlkit.dumps(document).encode("utf-8"))


def _other_versions(path: Path, ref: ModelRef) -> str:
    found = path.parent.glob(f"{ref.space}.{ref.external_id}.*.json") if path.parent.is_dir() else []
    others = sorted(other for other in found if other.is_file() and other != path)
    if not others:
        return ""
    names = ", ".join(other.name for other in others)
    return f" (the folder has {names}: update the pin, or run `pygen refresh --upgrade`)"


def shown_path(path: Path, root: Path) -> str:
    """``path`` relative to the project ``root`` as POSIX text, as messages name it (else the whole path)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _quiet(message: str) -> None:
    pass
