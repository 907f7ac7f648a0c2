"""The CrossGuard adapter: runs the knowledge core's checks inside the Pulumi engine.

Importing this package needs pulumi-policy (the ``pack`` extra).
"""
