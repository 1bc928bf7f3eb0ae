"""hatch-cognite-pygen: a hatchling build hook that generates a typed pygen SDK into the wheel.

Enable it in your project's ``pyproject.toml``::

    [build-system]
    requires = ["hatchling", "hatch-cognite-pygen"]
    build-backend = "hatchling.build"

    [tool.hatch.build.targets.wheel.hooks.pygen]

    [tool.pygen]
    models = ["cdf_cdm:CogniteCore/v1"]
    package = "cognite_core"
"""

from pygen_hatch.plugin import PygenBuildHook, runtime_requirement

__all__ = ["PygenBuildHook", "runtime_requirement"]
