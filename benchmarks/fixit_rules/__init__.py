"""The Fixit 2 rule ``bench_scale.py`` compares ``stackguard lint`` with."""

from .parameter_group_family import ParameterGroupFamily

__all__ = ["ParameterGroupFamily"]
