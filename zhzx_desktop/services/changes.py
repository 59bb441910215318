"""The change record every mutation returns (ARCHITECTURE.md idiom 1): each view redraws only what changed."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Changes:
    grids: bool = False
    households: bool = False
    residents: bool = False
    teams: bool = False
    members: bool = False
    activities: bool = False
    cases: bool = False
    row_id: str | None = None  # the row created or edited, when there is one

    def __or__(self, other: Changes) -> Changes:
        merged = {f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self) if f.name != "row_id"}
        return replace(self, **merged, row_id=self.row_id or other.row_id)

    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name != "row_id")
