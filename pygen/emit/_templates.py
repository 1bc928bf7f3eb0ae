"""The one jinja setup every emitter shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import jinja2

__all__ = ["template_environment"]


def template_environment(
    package: str,
    *,
    filters: Mapping[str, Callable[..., Any]],
    globals: Mapping[str, Any] | None = None,
) -> jinja2.Environment:
    """An environment over ``<package>/templates``: strict, whitespace-tidy, and without autoescape.

    Emitters cache the result (templates compile once per process, not once per view).
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # autoescape escapes for HTML; we emit source code. Every untrusted string reaches a template
        # through the emitter's own escaping filters (string literals, doc comments), never raw.
        autoescape=False,
    )
    env.filters.update(filters)
    env.globals.update(globals or {})
    return env
