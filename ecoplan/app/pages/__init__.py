"""App pages: each module has ``render()`` and is registered in ``app.py``."""
