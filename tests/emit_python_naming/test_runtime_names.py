"""The runtime's names the emitter avoids are written down (generation never imports the runtime): kept honest here."""

from __future__ import annotations

from pathlib import Path

from pygen.generator.emit.python import _runtime_names


def test_written_down_names_equal_the_live_runtime() -> None:
    live = _runtime_names.introspect()
    for name, names in live.items():
        written = getattr(_runtime_names, name)
        assert written == names, (
            f"{name} differs from the runtime (missing {sorted(names - written)}, extra {sorted(written - names)}): "
            "rewrite it with `.venv/bin/python -m pygen.generator.emit.python._runtime_names`"
        )


def test_the_rewrite_gives_the_committed_text() -> None:
    """What the rewrite command writes is what is committed (sorted, wrapped as the module has it)."""
    text = Path(_runtime_names.__file__).read_text(encoding="utf-8")
    assert _runtime_names.render(_runtime_names.introspect()) in text
