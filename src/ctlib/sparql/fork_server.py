"""Imported by the fork server of the query processes, and only there (``pool`` names it
in the fork server's preload list): the fork server dies with the web worker that
started it, and the query processes it forks start with ``evaluation`` imported."""

from . import evaluation  # noqa: F401
from .lifeline import die_with_parent

die_with_parent()
