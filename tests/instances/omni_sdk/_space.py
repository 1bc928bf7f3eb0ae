"""The Omni model's space: ``sp_pygen_models``, or this run's copy of it on a CDF target (tests/sdk_target.py).

A generated SDK embeds its model's space; this hand-written one takes it from here, so that on a CDF target
it reads and writes the views the run deployed.
"""

from sdk_target import space

MODEL_SPACE = space("sp_pygen_models")
