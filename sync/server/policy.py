"""The county's conflict policy (SYNC.md §7.5): the ONE place that says who wins which field.

Served to every device at enrollment and at ``GET /v1/policy`` (the client greys out county-owned fields), and used
by the server's push merge. Fields not listed are clerk-owned: on a same-field conflict the clerk's value is applied
(``clerk_wins``) and the county's old value is kept in the conflict row. ``county_wins`` fields keep the server's
value and the clerk's value is kept in the conflict row. ``county_owned`` fields cannot be edited by a village at all
(the change is rejected). ``delete``: ``delete_wins`` (an update racing a delete leaves the row deleted) or
``forbidden_after_review`` (a case the county has reviewed, i.e. ``county_review`` is not empty, cannot be deleted).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from sync import protocol

POLICY_VERSION: Final = 1

DELETE_WINS: Final = "delete_wins"
FORBIDDEN_AFTER_REVIEW: Final = "forbidden_after_review"

CLERK_WINS: Final = "clerk_wins"
COUNTY_WINS: Final = "county_wins"

_SPECIAL: Final[dict[str, dict[str, Any]]] = {
    "residents": {"county_owned": ["verified_on"], "county_wins": ["status", "birth_date", "merged_into"],
                  "delete": DELETE_WINS},
    "cases": {"county_owned": ["county_review"], "county_wins": ["status"], "delete": FORBIDDEN_AFTER_REVIEW},
}


@dataclass(frozen=True)
class TablePolicy:
    table: str
    county_owned: frozenset[str]
    county_wins: frozenset[str]
    delete: str

    def resolution(self, field: str) -> str:
        """Who wins a same-field conflict on ``field``."""
        return COUNTY_WINS if field in self.county_wins else CLERK_WINS

    def delete_forbidden(self, row: dict[str, Any]) -> bool:
        """True when the policy's delete guard holds for this server row (a reviewed case)."""
        return self.delete == FORBIDDEN_AFTER_REVIEW and bool(row.get("county_review"))


@cache
def document() -> dict[str, Any]:
    """The policy as served on the wire: ``{"version": 1, "tables": {table: {county_owned, county_wins, delete}}}``."""
    tables: dict[str, Any] = {}
    for name in protocol.tables():
        special = _SPECIAL.get(name, {"county_owned": [], "county_wins": [], "delete": DELETE_WINS})
        tables[name] = {"county_owned": list(special["county_owned"]), "county_wins": list(special["county_wins"]),
                        "delete": special["delete"]}
    return {"version": POLICY_VERSION, "tables": tables}


@cache
def for_table(table: str) -> TablePolicy:
    entry = document()["tables"].get(table) or {"county_owned": [], "county_wins": [], "delete": DELETE_WINS}
    return TablePolicy(table, frozenset(entry["county_owned"]), frozenset(entry["county_wins"]), str(entry["delete"]))
