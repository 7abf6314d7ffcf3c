"""opgrad's neural-network library, built on the autograd engine's public API."""

__all__: list[str] = []
