"""The HTTP layer's defaults (:mod:`ecoplan.net`) and the data downloader's (:mod:`ecoplan.fetch`).

Each web service passes its own :class:`ecoplan.net.Policy` (see ``settings.overpass`` and
``settings.weather``); these defaults are for the downloads of ``ecoplan data get``.
"""

from __future__ import annotations

import os
from typing import Final

from ecoplan import __version__


def user_agent() -> str:
    """User-Agent naming the application, as the Nominatim usage policy requires
    (operations.osmfoundation.org/policies/nominatim/: "stock User-Agents as set by http
    libraries will not do"); Geofabrik and Overpass ask the same. ``ECOPLAN_CONTACT`` (an
    e-mail address) is appended when set, which the policy asks for from heavier users."""
    contact = os.environ.get("ECOPLAN_CONTACT", "").strip()
    extra = f"; contact: {contact}" if contact else ""
    return f"ecoplan/{__version__} (green and blue space access planner{extra})"


# --- Requests (downloads) -----------------------------------------------------------------------

#: Seconds to wait for a TCP connection (our choice: fail fast when offline).
CONNECT_TIMEOUT_S: Final = 10.0
#: Seconds to wait for the next bytes of an answer (our choice: the ONS ArcGIS service can take
#: ~20 s to start a large GeoJSON page; a stalled transfer is abandoned after a minute).
READ_TIMEOUT_S: Final = 60.0
#: Retries after the first try (our choice: three retries ride out a server restart).
MAX_RETRIES: Final = 3
#: "Try again later" answers: 429 rate limit, 500/502/503/504 server or gateway trouble
#: (RFC 9110 §15.6; RFC 6585 §4 for 429).
RETRY_STATUS: Final[frozenset[int]] = frozenset({429, 500, 502, 503, 504})
#: Exponential backoff BACKOFF_BASE_S * 2**retry, at least Retry-After, at most BACKOFF_MAX_S
#: per wait, BACKOFF_TOTAL_MAX_S in all (our choice: two minutes is as long as anyone waits).
BACKOFF_BASE_S: Final = 1.0
BACKOFF_MAX_S: Final = 60.0
BACKOFF_TOTAL_MAX_S: Final = 120.0

# --- Downloads ----------------------------------------------------------------------------------

#: Bytes read per chunk while streaming a download (our choice: 1 MiB keeps progress smooth and
#: memory flat for a 1 GB extract).
CHUNK_BYTES: Final = 1 << 20
#: A download whose connection drops is resumed (HTTP Range) at most this many times before we
#: give up; each resume continues from the bytes already on disk (our choice).
MAX_RESUMES: Final = 5

#: ``ECOPLAN_DATA_MIRROR=BASE``: a source at ``https://HOST/PATH?QUERY`` is fetched from
#: ``BASE/HOST/PATH?QUERY`` instead (data/README.md).
MIRROR_ENV: Final = "ECOPLAN_DATA_MIRROR"
#: ``ECOPLAN_DATA_CATALOGUE=FILE``: a catalogue TOML that replaces the built-in one.
CATALOGUE_ENV: Final = "ECOPLAN_DATA_CATALOGUE"
