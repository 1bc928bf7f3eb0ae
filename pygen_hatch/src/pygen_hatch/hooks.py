"""Registers the pygen build hook with hatchling (entry point ``[project.entry-points.hatch] pygen``)."""

from __future__ import annotations

from hatchling.plugin import hookimpl

from pygen_hatch.plugin import PygenBuildHook


@hookimpl
def hatch_register_build_hook() -> type[PygenBuildHook]:
    return PygenBuildHook
