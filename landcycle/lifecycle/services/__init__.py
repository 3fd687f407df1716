"""Domain logic of the lifecycle workflows (views and the CLI only call these)."""


class LifecycleError(ValueError):
    """A refused action, with a reason to show the user (e.g. an illegal transition)."""
