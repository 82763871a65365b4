class PermissionRefused(PermissionError):
    """A service refuses an action to this person; the message is shown to them."""


class InvalidTransition(ValueError):
    """A state machine refuses a transition; the message is shown to the person."""
