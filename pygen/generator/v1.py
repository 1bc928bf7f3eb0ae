"""pygen v1's ``[tool.pygen]`` keys, and the one message a v1 table gets until ``pygen migrate`` rewrites it.

pygen v1 (``cognite-pygen``) read a flat ``[tool.pygen]`` table of snake_case keys (the defaults of its
``pygen generate`` options) and took ``client_secret`` from ``.secret.toml`` (table ``[cognite]``).
Standard library only: :mod:`pygen.generator.config` asks :func:`v1_table_message` before it validates a table.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["V1_KEYS", "V2_KEYS", "is_v1_table", "v1_table_message"]

#: Every key of v1's ``[tool.pygen]`` (its ``PygenSettings``), in v1's order.
V1_KEYS = (
    "space",
    "external_id",
    "version",
    "tenant_id",
    "token_url",
    "scopes",
    "audience",
    "client_id",
    "client_secret",
    "cdf_cluster",
    "cdf_url",
    "cdf_project",
    "output_dir",
    "top_level_package",
    "client_name",
    "instance_space",
    "overwrite",
    "format_code",
    "data_models",
)

#: The keys of pygen's own ``[tool.pygen]`` table (``pygen.generator.config``).
V2_KEYS = ("models", "model-files", "package", "client-name", "instance-space", "snapshots", "view-names", "cdf")

GUIDE = "docs/migrating-from-v1.md"


def is_v1_table(table: Mapping[object, object]) -> bool:
    """True when ``table`` has a v1 key (besides ``client_secret``) and none of pygen's own keys."""
    keys = {key for key in table if isinstance(key, str)}
    return bool(keys & (set(V1_KEYS) - {"client_secret"})) and not keys & set(V2_KEYS)


def v1_table_message(table: Mapping[object, object], source: str) -> str | None:
    """The one message for a v1 table (naming ``pygen migrate``), or None when ``table`` is not one."""
    if not is_v1_table(table):
        return None
    found = [key for key in table if isinstance(key, str) and key in V1_KEYS and key != "client_secret"]
    shown = ", ".join(f"`{key}`" for key in found[:3]) + (", ..." if len(found) > 3 else "")
    message = (
        f"{source}: [tool.pygen] is a pygen v1 (cognite-pygen) table ({shown}); this pygen reads another format. "
        "Run `pygen migrate` in the project folder to rewrite it in place (`pygen migrate --dry-run` shows the "
        f"change first; {GUIDE} maps v1's generated API to pygen's)"
    )
    if "client_secret" in table:
        message += (
            ". The table also holds `client_secret`, which must never be in a project file (v1 refused it too): "
            "remove it first, and keep the secret in the keyring or PYGEN_CLIENT_SECRET"
        )
    return message
