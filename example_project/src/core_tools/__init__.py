"""Hand-written helpers on top of the generated ``cognite_core`` SDK: the project's own code beside it."""

from core_tools.assets import asset_names, create_asset_tree

__all__ = ["asset_names", "create_asset_tree"]
