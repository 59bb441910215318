"""群防群治队伍: teams, their members (residents), and the activity log. No check-ins, points or rankings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from zhzx_desktop.domain.validation import normalize_phone
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import fields
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.storage import rows


@dataclass
class TeamInput:
    name: str
    team_type: str
    leader_resident_id: str | None = None
    contact_phone: str = ""
    grid_id: str | None = None
    founded_on: str | date | None = None
    duties: str = ""


@dataclass
class MemberInput:
    team_id: str
    resident_id: str
    role: str = "队员"
    joined_on: str | date | None = None


@dataclass
class ActivityInput:
    team_id: str
    activity_date: str | date
    kind: str
    place: str = ""
    summary: str = ""
    findings: str = ""
    participant_ids: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class TeamRow:
    id: str
    name: str
    team_type: str
    leader: str
    contact_phone: str
    members: int


@dataclass(frozen=True)
class TeamFigures:
    members: int
    activities_by_month: tuple[tuple[str, int], ...]  # ("2026-11", 4), oldest first


def _team_values(ledger: Ledger, data: TeamInput) -> dict[str, str | None]:
    conn = ledger.store.conn
    c = fields.Collector()
    values = {
        "name": c.check(lambda: fields.text(data.name, "team_name", fields.SHORT_TEXT, required=True), ""),
        "team_type": c.check(lambda: fields.code("team_type", data.team_type, "team_type", required=True), None),
        "leader_resident_id": c.check(lambda: fields.reference(conn, "residents", data.leader_resident_id,
                                                               "leader_resident_id"), None),
        "contact_phone": c.check(lambda: normalize_phone(data.contact_phone, field="contact_phone"), ""),
        "grid_id": c.check(lambda: fields.reference(conn, "grids", data.grid_id, "grid_id"), None),
        "founded_on": c.check(lambda: fields.optional_date(data.founded_on, "founded_on"), None),
        "duties": c.check(lambda: fields.text(data.duties, "duties", fields.LONG_TEXT), ""),
    }
    c.raise_if_any()
    return values


def create(ledger: Ledger, data: TeamInput) -> Changes:
    with ledger.store.write() as conn:
        team_id = rows.new_id()
        rows.insert(conn, "teams", [{"id": team_id, "created_at": rows.now_utc(), **_team_values(ledger, data)}])
    return Changes(teams=True, row_id=team_id)


def update(ledger: Ledger, team_id: str, data: TeamInput) -> Changes:
    with ledger.store.write() as conn:
        fields.reference(conn, "teams", team_id, "team_id", required=True)
        changed = rows.update_changed(conn, "teams", team_id, _team_values(ledger, data))
    return Changes(teams=bool(changed), row_id=team_id)


def add_member(ledger: Ledger, data: MemberInput) -> Changes:
    with ledger.store.write() as conn:
        c = fields.Collector()
        team_id = c.check(lambda: fields.reference(conn, "teams", data.team_id, "team_id", required=True), None)
        resident_id = c.check(lambda: fields.reference(conn, "residents", data.resident_id, "resident_id",
                                                       required=True), None)
        role = c.check(lambda: fields.text(data.role or "队员", "role", 20, required=True), "")
        joined_on = c.check(lambda: fields.optional_date(data.joined_on or ledger.today(), "joined_on"), None)
        c.raise_if_any()
        if conn.execute("SELECT 1 FROM team_members WHERE team_id = ? AND resident_id = ? AND left_on IS NULL",
                        (team_id, resident_id)).fetchone():
            raise UserError("resident_id", "already_member", "此人已是该队伍的在队成员")
        member_id = rows.new_id()
        rows.insert(conn, "team_members", [{"id": member_id, "team_id": team_id, "resident_id": resident_id,
                                            "role": role, "joined_on": joined_on}])
    return Changes(members=True, teams=True, row_id=member_id)


def end_membership(ledger: Ledger, member_id: str, left_on: str | date | None = None) -> Changes:
    with ledger.store.write() as conn:
        member = rows.get(conn, "team_members", member_id)
        if member is None:
            raise UserError("member_id", "not_found", "该队员记录不存在")
        if member["left_on"] is not None:
            raise UserError("left_on", "already_left", f"该队员已于{member['left_on']}离队")
        left = fields.optional_date(left_on or ledger.today(), "left_on", required=True)
        if left is not None and left < member["joined_on"]:
            raise UserError("left_on", "left_before_joined", "离队日期不能早于加入日期")
        changed = rows.update_changed(conn, "team_members", member_id, {"left_on": left})
    return Changes(members=bool(changed), teams=bool(changed), row_id=member_id)


def log_activity(ledger: Ledger, data: ActivityInput) -> Changes:
    """Record one activity (巡逻、走访、排查、宣传、培训、调解…) with the residents who took part."""
    with ledger.store.write() as conn:
        c = fields.Collector()
        team_id = c.check(lambda: fields.reference(conn, "teams", data.team_id, "team_id", required=True), None)
        day = c.check(lambda: fields.optional_date(data.activity_date, "activity_date", required=True), None)
        if day is not None and day > ledger.today().isoformat():
            c.errors.append(UserError("activity_date", "date_future", "活动日期不能晚于今天"))
        kind = c.check(lambda: fields.code("activity_kind", data.kind, "kind", required=True), None)
        place = c.check(lambda: fields.text(data.place, "place", fields.LINE_TEXT), "")
        summary = c.check(lambda: fields.text(data.summary, "summary", fields.LONG_TEXT), "")
        findings = c.check(lambda: fields.text(data.findings, "findings", fields.LONG_TEXT), "")
        people = list(dict.fromkeys(data.participant_ids))
        for resident_id in people:
            c.check(lambda: fields.reference(conn, "residents", resident_id, "participant_ids", required=True), None)
        c.raise_if_any()
        activity_id = rows.new_id()
        rows.insert(conn, "team_activities", [{
            "id": activity_id, "team_id": team_id, "activity_date": day, "kind": kind, "place": place,
            "summary": summary, "findings": findings, "created_at": rows.now_utc()}])
        rows.insert(conn, "activity_participants", [{"id": rows.new_id(), "activity_id": activity_id,
                                                     "resident_id": r} for r in people])
    return Changes(activities=True, row_id=activity_id)


def search(ledger: Ledger, query: str = "", limit: int = 200) -> list[TeamRow]:
    q = query.strip()
    sql = """SELECT t.id, t.name, t.team_type, coalesce(l.name, ''), t.contact_phone,
                    (SELECT count(*) FROM team_members m WHERE m.team_id = t.id AND m.left_on IS NULL)
             FROM teams t LEFT JOIN residents l ON l.id = t.leader_resident_id WHERE t.status = 'active'"""
    params: list[object] = []
    if q:
        sql += " AND t.name LIKE ? ESCAPE '\\'"
        params.append(f"%{fields.like_escape(q)}%")
    sql += " ORDER BY t.name LIMIT ?"
    params.append(limit)
    return [TeamRow(*r) for r in ledger.store.conn.execute(sql, params)]


def figures(ledger: Ledger, team_id: str) -> TeamFigures:
    conn = ledger.store.conn
    members = conn.execute("SELECT count(*) FROM team_members WHERE team_id = ? AND left_on IS NULL",
                           (team_id,)).fetchone()[0]
    months = conn.execute("SELECT substr(activity_date, 1, 7) AS m, count(*) FROM team_activities "
                          "WHERE team_id = ? GROUP BY m ORDER BY m", (team_id,)).fetchall()
    return TeamFigures(int(members), tuple((m, int(n)) for m, n in months))
