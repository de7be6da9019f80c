"""User-facing errors.

Every failure a user can cause (bad file, bad bbox, unknown place, service down) is raised as
an :class:`EcoplanError` whose message says what was wrong *and what to do*. The CLI prints the
message on one line and exits non-zero; the app shows it in the page. Programming errors stay
ordinary exceptions so they are not hidden.
"""

from __future__ import annotations


class EcoplanError(Exception):
    """A problem the user can fix; ``str(err)`` is a one-line message for them."""


class InputFileError(EcoplanError):
    """A file is missing, unreadable, corrupt, empty or has the wrong columns."""


class OutputFileError(InputFileError):
    """A result cannot be written: missing or read-only folder, a folder in the way, disk full.

    A kind of :class:`InputFileError` (the output path is a file the user named), so code that
    catches bad files catches it too."""


class AreaError(EcoplanError):
    """The requested area is invalid, empty, or outside the data."""


class NoGreenSpaceError(AreaError):
    """The area holds no green or blue space."""


class ServiceError(EcoplanError):
    """A remote service (Overpass, Nominatim, Open-Meteo) failed or is unreachable."""


class NotInCacheError(ServiceError):
    """Offline mode was asked for but the cache holds no answer for this request."""
