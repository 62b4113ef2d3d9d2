"""ctlib: publishes the Counter-Trafficking Resource Library as validated linked data."""

__version__ = "0.1.0"
