class Refused(Exception):
    """A service says no; the message is written for the person and shown to them as it is.

    Views catch this one base (never its two kinds one by one) and hand it to `core.refusals.refused`.
    """


class PermissionRefused(Refused, PermissionError):
    """A service refuses an action to this person."""


class InvalidTransition(Refused, ValueError):
    """A state machine refuses a transition (the thing is not, or no longer, in a state that allows it)."""


class StorageFull(Refused):
    """The disk is full (or over quota) while a file is written: nothing was kept of it."""


class StorageUnavailable(Refused):
    """The object storage does not answer while a file is written: nothing was kept of it."""
