"""All configuration in one place: thresholds, tag lists, walking speeds, paths.

Each number carries its source in a comment. Modules are split by topic only so that they stay
readable; import from here (``from ecoplan import settings``; ``settings.osm.GREEN_TAGS``).
"""

from ecoplan.settings import osm, paths

__all__ = ["osm", "paths"]
