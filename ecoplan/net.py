"""One HTTP layer for every web service and download: timeouts, bounded retries that honour
``Retry-After``, the user agent, an on-disk JSON cache and offline mode.

Overpass (:mod:`ecoplan.osm.overpass`), Nominatim (:mod:`ecoplan.osm.geocode`), Open-Meteo
(:func:`ecoplan.plans.forecast.fetch_forecast`) and the data downloader
(:mod:`ecoplan.fetch`) all call :func:`request`; each passes a :class:`Policy` built from its
own settings (how patient to be differs: Overpass queues for minutes, Nominatim must never be
retried quickly), and turns a :class:`HttpFailure` into a message that names the service and
what the user can do. Nothing here knows about a particular service.

Offline mode is honoured twice: each client checks its cache first and raises
:class:`NotInCacheError` naming what is missing, and :func:`request` itself refuses to touch
the network when ``offline=True`` or ``ECOPLAN_OFFLINE=1`` — so a forgotten check can never
leak a request.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from ecoplan.errors import NotInCacheError, ServiceError
from ecoplan.settings import net as net_cfg
from ecoplan.settings import paths

log = logging.getLogger(__name__)

Sleep = Callable[[float], None]


@dataclass(frozen=True)
class Policy:
    """How patient one service call is. ``max_retries`` counts retries after the first try."""

    connect_timeout_s: float = net_cfg.CONNECT_TIMEOUT_S
    read_timeout_s: float = net_cfg.READ_TIMEOUT_S
    max_retries: int = net_cfg.MAX_RETRIES
    retry_status: frozenset[int] = net_cfg.RETRY_STATUS
    #: Also retry timeouts, refused and dropped connections (downloads and Open-Meteo: yes;
    #: Overpass: no — a timed-out query will time out again, and the user should shrink it).
    retry_network_errors: bool = True
    backoff_base_s: float = net_cfg.BACKOFF_BASE_S
    backoff_max_s: float = net_cfg.BACKOFF_MAX_S
    #: Seconds we are prepared to sleep across all retries of one call.
    total_wait_max_s: float = net_cfg.BACKOFF_TOTAL_MAX_S

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout_s, self.read_timeout_s)


class HttpFailure(ServiceError):
    """A request that failed after the policy's retries.

    ``kind`` is 'timeout', 'connection' or 'status'; ``status`` the last HTTP code (status
    failures); ``attempts`` how many requests were made; ``detail`` a short plain description
    ("HTTP 503", "no answer within 15 s (timeout)", "connection failed (ConnectionError)").
    Clients catch it and raise their own message; its own text is usable as a fallback.
    """

    def __init__(self, what: str, kind: str, detail: str, attempts: int,
                 status: int | None = None) -> None:
        self.what, self.kind, self.detail = what, kind, detail
        self.attempts, self.status = attempts, status
        super().__init__(f"{what} failed after {attempts} attempt"
                         f"{'s' if attempts != 1 else ''}: {detail}")


# --- offline ------------------------------------------------------------------------------------

def offline_mode(flag: bool = False) -> bool:
    """True when ``flag`` is set or ``ECOPLAN_OFFLINE`` is 1/true/yes (the whole process)."""
    env = os.environ.get("ECOPLAN_OFFLINE", "").strip().lower()
    return bool(flag) or env in ("1", "true", "yes", "on")


def user_agent() -> str:
    """The User-Agent every request carries (see :func:`ecoplan.settings.net.user_agent`)."""
    return net_cfg.user_agent()


# --- retries ------------------------------------------------------------------------------------

def parse_retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def backoff_delay(attempt: int, retry_after: str | None, policy: Policy) -> float:
    """Seconds before retry ``attempt + 1``: exponential from ``backoff_base_s``, at least what
    the server's ``Retry-After`` asks, never more than ``backoff_max_s``."""
    delay = policy.backoff_base_s * 2 ** attempt
    server = parse_retry_after(retry_after)
    if server is not None:
        delay = max(delay, server)
    return float(min(delay, policy.backoff_max_s))


def request(method: str, url: str, *, what: str, policy: Policy = Policy(),
            params: Mapping[str, Any] | None = None, data: Any = None,
            headers: Mapping[str, str] | None = None, stream: bool = False,
            offline: bool = False, session: requests.Session | None = None,
            sleep: Sleep = time.sleep) -> requests.Response:
    """Send one request with the policy's timeouts and bounded retries.

    Returns the response for any status not in ``policy.retry_status`` (the caller decides
    what a 404 means). Raises :class:`NotInCacheError` when offline, and :class:`HttpFailure`
    when the network or the server kept failing. ``what`` names the request in messages.
    """
    if offline_mode(offline):
        raise NotInCacheError(f"offline mode is on, so {what} was not requested ({url})")
    http = session or requests
    sent = {"User-Agent": user_agent(), **(headers or {})}
    waited = 0.0
    attempt = 0
    while True:
        failure: HttpFailure | None = None
        retry_after: str | None = None
        try:
            resp = http.request(method, url, params=params, data=data, headers=sent,
                                timeout=policy.timeout, stream=stream)
        except requests.Timeout:
            failure = HttpFailure(what, "timeout", f"no answer within "
                                  f"{policy.read_timeout_s:g} s (timeout)", attempt + 1)
            retryable = policy.retry_network_errors
        except requests.RequestException as err:
            failure = HttpFailure(what, "connection",
                                  f"connection failed ({type(err).__name__})", attempt + 1)
            retryable = policy.retry_network_errors
        else:
            if resp.status_code not in policy.retry_status:
                return resp
            retry_after = resp.headers.get("Retry-After")
            failure = HttpFailure(what, "status", f"HTTP {resp.status_code}", attempt + 1,
                                  status=resp.status_code)
            resp.close()
            retryable = True
        delay = backoff_delay(attempt, retry_after, policy)
        if (not retryable or attempt >= policy.max_retries
                or waited + delay > policy.total_wait_max_s):
            raise failure
        log.warning("%s: %s; retrying in %.1f s (retry %d of %d)", what, failure.detail, delay,
                    attempt + 1, policy.max_retries)
        sleep(delay)
        waited += delay
        attempt += 1


# --- on-disk cache ------------------------------------------------------------------------------

def cache_key(*parts: Any) -> str:
    """sha256 of the JSON form of ``parts``: a stable name for a cached request."""
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Cache:
    """JSON entries in one folder under the cache dir, written atomically (gzip optional).

    A missing, truncated or unreadable entry reads as ``None``, so a broken file is fetched
    again instead of breaking the program.
    """

    def __init__(self, name: str | Path, *, compress: bool = False) -> None:
        self._name = name
        self.compress = compress

    @property
    def folder(self) -> Path:
        # resolved on each use so tests (and users) can move the cache with ECOPLAN_CACHE_DIR
        name = Path(self._name)
        return name if name.is_absolute() else paths.cache_dir() / name

    def path(self, key: str) -> Path:
        return self.folder / f"{key}{'.json.gz' if self.compress else '.json'}"

    def read(self, key: str) -> Any | None:
        return read_json(self.path(key))

    def write(self, key: str, value: Any) -> Path:
        path = self.path(key)
        write_json(path, value)
        return path


def read_json(path: Path) -> Any | None:
    """A JSON file (``.gz`` decompressed), or None when absent or unreadable."""
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        return json.loads(raw)
    except (OSError, ValueError, EOFError):
        return None


def write_json(path: Path, value: Any) -> None:
    """Write ``value`` as JSON (gzip for ``.gz``) atomically: never a half-written entry."""
    from ecoplan.io import write_bytes  # the one atomic-write helper

    payload = json.dumps(value).encode("utf-8")
    if path.suffix == ".gz":
        payload = gzip.compress(payload)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(path, payload)


__all__ = [
    "Cache", "HttpFailure", "Policy", "backoff_delay", "cache_key", "offline_mode",
    "parse_retry_after", "read_json", "request", "user_agent", "write_json",
]
