"""Layer 6, ``app``: the Starlette application and the ``hub`` command line."""
