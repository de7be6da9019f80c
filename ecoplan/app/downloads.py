"""Optional online download of the official IoD 2025 file (File 7, CSV) into the cache.

Online only; a failure is a ServiceError telling the user how to get the file by hand. The
request goes through :mod:`ecoplan.net` (timeouts, user agent, offline mode). For a whole
authority use "Get data for a local authority" (:mod:`ecoplan.app.la_data`).
"""

from __future__ import annotations

from pathlib import Path

import requests

from ecoplan import net
from ecoplan.errors import ServiceError
from ecoplan.io import atomic_path
from ecoplan.settings import app as app_cfg
from ecoplan.settings.paths import cache_dir

_MANUAL = ("download File 7 (CSV) from gov.uk 'English indices of deprivation 2025' in a "
           "browser and upload it here instead")


def iod2025_path(root: Path | None = None) -> Path:
    """Where the downloaded File 7 is kept (present once a download succeeded)."""
    return (root or cache_dir()) / "downloads" / Path(app_cfg.IOD2025_FILE7_URL).name


def download_iod2025(*, url: str = app_cfg.IOD2025_FILE7_URL, root: Path | None = None,
                     offline: bool = False,
                     timeout: tuple[float, float] = app_cfg.DOWNLOAD_TIMEOUT_S,
                     session: requests.Session | None = None) -> Path:
    """Fetch the IoD 2025 File 7 CSV (≈ 20 MB) once; later calls return the cached copy."""
    path = iod2025_path(root)
    if path.is_file() and path.stat().st_size > 0:
        return path
    if offline:
        raise ServiceError(f"Offline mode is on and the IoD 2025 file is not downloaded yet — "
                           f"switch offline mode off, or {_MANUAL}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    once = net.Policy(connect_timeout_s=timeout[0], read_timeout_s=timeout[1], max_retries=0,
                      retry_network_errors=False)
    try:
        with net.request("GET", url, what="the IoD 2025 file", policy=once, stream=True,
                         session=session) as resp:
            if resp.status_code != 200:
                raise ServiceError(f"gov.uk answered HTTP {resp.status_code} for the IoD 2025 "
                                   f"file — try again later, or {_MANUAL}.")
            with atomic_path(path) as tmp, open(tmp, "wb") as fh:
                for chunk in resp.iter_content(chunk_size=1 << 16):
                    fh.write(chunk)
    except (requests.RequestException, net.HttpFailure) as err:
        raise ServiceError(f"Could not download the IoD 2025 file ({err.__class__.__name__}: "
                           f"no connection to gov.uk?) — check the internet connection, or "
                           f"{_MANUAL}.") from None
    head = path.read_bytes()[:200].lower()
    if b"lsoa code" not in head:
        path.unlink(missing_ok=True)
        raise ServiceError(f"The downloaded IoD 2025 file is not the expected CSV — {_MANUAL}.")
    return path
