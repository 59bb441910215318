"""The change record every mutation returns (ARCHITECTURE.md idiom 1): each view redraws only what changed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    grids: bool = False
    households: bool = False
    residents: bool = False
    teams: bool = False
    members: bool = False
    activities: bool = False
    cases: bool = False
    journal: bool = False  # the undo journal got or lost an entry
    row_id: str | None = None  # the row created or edited, when there is one
