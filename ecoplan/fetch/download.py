"""Download one file into the data folder: pooch for the caching and checksums, ecoplan.net for
the HTTP, a progress callback for the CLI bar and the app's progress bars.

pooch (``pooch.retrieve``) decides whether a file must be fetched (absent, or its known hash
differs), streams it into a temporary file *in the same folder* and moves it into place only
after the checksum matched — so an interrupted or corrupt download never leaves a file that
looks complete. Our :class:`NetDownloader` is the pooch downloader: it sends the request
through :func:`ecoplan.net.request` (timeouts, retries on 429/5xx honouring ``Retry-After``,
user agent, offline mode) and, when the connection drops mid-file, resumes from the bytes
already on disk with an HTTP ``Range`` request (or restarts when the server ignores Range).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from ecoplan import net
from ecoplan.errors import NotInCacheError, ServiceError
from ecoplan.fetch.catalogue import Source, mirror_url
from ecoplan.settings import net as net_cfg

#: ``progress(label, bytes_done, bytes_total_or_None)`` — called as bytes arrive.
Progress = Callable[[str, int, int | None], None]

log = logging.getLogger(__name__)


def no_progress(label: str, done: int, total: int | None) -> None:  # noqa: ARG001
    """The default progress callback: say nothing."""


@dataclass(frozen=True)
class FileRecord:
    """One file in the data folder and where it came from (a manifest entry)."""

    source: str  # catalogue id
    title: str
    path: str  # relative to the data folder
    url: str  # the source's own URL (as in the catalogue)
    fetched_from: str  # what was actually requested (differs under a mirror)
    downloaded_at: str  # ISO time the bytes arrived (UTC)
    size: int
    sha256: str
    publisher: str
    licence: str
    attribution: str
    checksum: str = ""  # e.g. 'md5 verified against https://…/x.osm.pbf.md5'
    derived_from: str = ""  # for files cut from a national file: that file's path
    rows: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in ("", None)}


def sha256_of(path: Path, chunk: int = net_cfg.CHUNK_BYTES) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class NetDownloader:
    """A pooch downloader that streams through :mod:`ecoplan.net` and resumes dropped
    connections (``Range: bytes=N-``) up to ``settings.net.MAX_RESUMES`` times."""

    def __init__(self, what: str, label: str, progress: Progress = no_progress,
                 policy: net.Policy | None = None, sleep: Callable[[float], None] = time.sleep,
                 ) -> None:
        self.what, self.label, self.progress = what, label, progress
        self.policy = policy or net.Policy()
        self.sleep = sleep
        self.resumes = 0

    def __call__(self, url: str, output_file: str, pooch: Any, check_only: bool = False
                 ) -> bool | None:
        if check_only:  # pooch's availability check: not used by ecoplan
            return None
        done = 0
        with open(output_file, "wb") as fh:
            while True:
                headers = {"Range": f"bytes={done}-"} if done else {}
                resp = net.request("GET", url, what=self.what, policy=self.policy,
                                   headers=headers, stream=True, sleep=self.sleep)
                with resp:
                    if resp.status_code == 200 and done:  # Range ignored: start again
                        fh.seek(0)
                        fh.truncate()
                        done = 0
                    elif resp.status_code not in (200, 206):
                        raise ServiceError(f"{self.what}: the server answered HTTP "
                                           f"{resp.status_code} for {url} — check the URL in "
                                           "the data catalogue, or try again later")
                    total = _total(resp, done)
                    self.progress(self.label, done, total)
                    try:
                        for block in resp.iter_content(chunk_size=net_cfg.CHUNK_BYTES):
                            fh.write(block)
                            done += len(block)
                            self.progress(self.label, done, total)
                    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                            requests.Timeout) as err:
                        self._resume(url, done, err)
                        continue
                if total is not None and done < total:  # closed early without an error
                    self._resume(url, done, None)
                    continue
                return None

    def _resume(self, url: str, done: int, err: Exception | None) -> None:
        self.resumes += 1
        why = type(err).__name__ if err else "connection closed early"
        if self.resumes > net_cfg.MAX_RESUMES:
            raise ServiceError(f"{self.what}: the connection kept dropping ({why}) after "
                               f"{done:,} bytes, {net_cfg.MAX_RESUMES} resumes — try again later")
        log.warning("%s: connection dropped after %d bytes (%s); resuming", self.what, done,
                    why)


def _total(resp: requests.Response, done: int) -> int | None:
    """Full size of the file: Content-Range's total on a 206, else done + Content-Length."""
    rng = resp.headers.get("Content-Range", "")
    if resp.status_code == 206 and "/" in rng:
        tail = rng.rsplit("/", 1)[1].strip()
        if tail.isdigit():
            return int(tail)
    length = resp.headers.get("Content-Length", "")
    return done + int(length) if length.isdigit() else None


def fetch_file(source: Source, url: str, dest: Path, *, root: Path, offline: bool = False,
               known_hash: str | None = None, refresh: bool = False,
               progress: Progress = no_progress, checksum_note: str = "",
               sleep: Callable[[float], None] = time.sleep) -> FileRecord:
    """``url`` (a catalogue source's) as the file ``dest``; reuse a cached copy when it is there
    and matches ``known_hash`` (``'md5:…'``/``'sha256:…'``) or no hash is known.

    Offline, a cached copy is used as it is and a missing one raises :class:`NotInCacheError`
    naming the source. A checksum mismatch raises :class:`ServiceError` naming the source and
    leaves no file. ``root`` is the data folder the record's path is relative to.
    """
    import pooch  # imported here: only downloads need it

    pooch.get_logger().setLevel(logging.WARNING)
    dest = Path(dest)
    label = dest.name
    if refresh and not offline and dest.exists():
        dest.unlink()
    if net.offline_mode(offline):
        if not dest.is_file():
            raise NotInCacheError(f"offline mode is on and {source.title} ({source.id}) has not "
                                  f"been downloaded — go online once, or copy the file to {dest}")
        return _record(source, url, dest, root, fetched_from="(cache)", downloaded_at=_mtime(dest),
                       checksum=checksum_note)
    fetched_from = mirror_url(url)
    existed = dest.is_file()
    before = dest.stat().st_mtime if existed else None
    downloader = NetDownloader(f"{source.title} ({source.id})", label, progress, sleep=sleep)
    try:
        pooch.retrieve(fetched_from, known_hash=known_hash, fname=dest.name, path=dest.parent,
                       downloader=downloader)
    except ValueError as err:  # pooch: the checksum did not match
        raise ServiceError(
            f"{source.title} ({source.id}): the downloaded file does not match its published "
            f"checksum ({known_hash}) — the upstream file changed or the transfer was damaged; "
            f"nothing was kept. Try again; if it persists, report it. ({err})".replace("\n", " ")
        ) from None
    fresh = not existed or dest.stat().st_mtime != before
    if fresh:
        progress(label, dest.stat().st_size, dest.stat().st_size)
    return _record(source, url, dest, root, fetched_from=fetched_from,
                   downloaded_at=now_iso() if fresh else _mtime(dest), checksum=checksum_note)


def _mtime(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")


def _record(source: Source, url: str, path: Path, root: Path, *, fetched_from: str,
            downloaded_at: str, checksum: str = "", derived_from: str = "",
            rows: int | None = None) -> FileRecord:
    return FileRecord(source=source.id, title=source.title, path=relative(path, root), url=url,
                      fetched_from=fetched_from, downloaded_at=downloaded_at,
                      size=path.stat().st_size, sha256=sha256_of(path), checksum=checksum,
                      derived_from=derived_from, rows=rows, **source.licence_record())


def record_for(source: Source, url: str, path: Path, root: Path, **kwargs: Any) -> FileRecord:
    """A record for a file ecoplan wrote itself (assembled pages, a cut table)."""
    kwargs.setdefault("fetched_from", mirror_url(url) if url.startswith("http") else url)
    kwargs.setdefault("downloaded_at", now_iso())
    return _record(source, url, path, root, **kwargs)


def relative(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(root).resolve()))
    except ValueError:
        return str(Path(path).resolve())


__all__ = ["FileRecord", "NetDownloader", "Progress", "fetch_file", "record_for", "sha256_of"]
