"""Where the test data lives: ``tests/data/`` in this repository, and nothing outside it.

- ``tests/data/models/*.json``: data model dumps in the DMS API shape, views inline
  (CogniteCore, Omni, OmniSub, WindTurbine; see ``tests/data/README.md``).
- ``tests/data/instances/Omni.nodes.json``: 90 node instances of the Omni model.
- ``tests/data/retry_rules.json``: the retry rules, as cases both runtimes are tested against.

``tests/`` is on ``sys.path`` during a pytest run (``pythonpath`` in ``pyproject.toml``); scripts
that run outside pytest (``tests/emit_typescript/tsc_goldens.py``, ``tests/golden/regen.py``) put
it there themselves.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "tests" / "data"
MODELS_DIR = DATA_DIR / "models"
INSTANCES_DIR = DATA_DIR / "instances"
#: The model dumps every "all shared models" test runs over, by file stem.
MODEL_NAMES = ("CogniteCore", "Omni", "OmniSub", "WindTurbine")
OMNI_MODEL = MODELS_DIR / "Omni.json"
OMNI_NODES = INSTANCES_DIR / "Omni.nodes.json"
#: The retry rules both runtimes are tested against (tests/transport/test_retry_rules.py and
#: tests/typescript/retry-rules.test.ts).
RETRY_RULES = DATA_DIR / "retry_rules.json"
