"""ecoplan: find, rank and plan visits to accessible green and blue space from OpenStreetMap.

The pipeline reads top to bottom in the package listing:
``osm`` (sources) → ``sites`` → ``network`` → ``need`` / ``access`` → ``ranking``
→ ``plans`` / ``routes`` / ``support`` → ``cli`` and ``app``.
"""

__version__ = "0.1.0"
