"""Bulletin: records-as-code for quality-managed companies."""

__version__ = "0.1.0"
