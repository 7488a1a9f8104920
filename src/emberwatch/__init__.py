"""Emberwatch: an early warning of burnout."""

__version__ = "0.1.0"
