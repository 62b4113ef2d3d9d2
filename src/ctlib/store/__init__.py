"""Where the published catalogue lives. The embedded store is the default."""

from .embedded import EmbeddedStore, Generation, NoCatalogue

__all__ = ["EmbeddedStore", "Generation", "NoCatalogue"]
