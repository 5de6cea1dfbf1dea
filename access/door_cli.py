"""`sc door`: the door process commands (the same as `sc faces door`), for the lead to mount by name."""

from access.cli import door_app as app

__all__ = ["app"]
