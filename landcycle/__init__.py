"""landcycle: industrial land over its whole life."""

__version__ = "0.1.0"
