"""Quầy một cửa — counter application for one-stop public-administration centres."""

__version__ = "0.1.0"
