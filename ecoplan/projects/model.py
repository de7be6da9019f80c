"""What a project holds, as plain JSON-able values (the store writes it as one JSON column)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class FileRef:
    """A need file kept by the project: the name the user knows and where the copy lives."""

    name: str  # as uploaded or typed (shown to the user, in messages too)
    path: str  # the project's copy in the app's data folder

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FileRef:
        return cls(name=str(d["name"]), path=str(d["path"]))


@dataclass
class Project:
    """One piece of work. ``need`` describes how the need layer was built (see
    :func:`ecoplan.app.project.load_need_spec`); ``settings`` holds widget values by key."""

    name: str
    source: str = "demo"
    source_offline: bool = False
    need: dict[str, Any] | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    selected_site: str | None = None
    route: dict[str, Any] = field(default_factory=dict)
    id: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    version: int = 0

    #: Fields stored in the JSON column (the rest are columns of their own).
    DATA_FIELDS = ("source_offline", "need", "settings", "selected_site", "route")

    def data(self) -> dict[str, Any]:
        d = asdict(self)
        return {k: d[k] for k in self.DATA_FIELDS}
