"""The TypeScript emitter: naming rules, escaping filters and ``emit_typescript`` (see README.md here).

``typescript_names(sdk, package=...)`` gives every TypeScript name of an SDK with warnings for names that
had to change; ``ts_str``, ``ts_key``, ``ts_doc`` and ``ts_comment`` are the only ways untrusted model text
may reach generated source. The runtime every SDK gets a copy of lives in ``runtime/`` next to this file.

Example:
    ```python
    from pygen.generator import generate

    result = generate([snapshot], language="typescript", package="cognite_core")
    result.files["cognite_core/client.ts"]  # the client class
    ```
"""

from pygen.generator.emit.typescript._emitter import RUNTIME_DIR, emit_typescript, header_line, jsdoc
from pygen.generator.emit.typescript._escape import ts_comment, ts_doc, ts_key, ts_str
from pygen.generator.emit.typescript._naming import TS_CODES, TypeScriptNames, ViewNames, ts_ident, typescript_names

__all__ = [
    "RUNTIME_DIR",
    "TS_CODES",
    "TypeScriptNames",
    "ViewNames",
    "emit_typescript",
    "header_line",
    "jsdoc",
    "ts_comment",
    "ts_doc",
    "ts_ident",
    "ts_key",
    "ts_str",
    "typescript_names",
]
