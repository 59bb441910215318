"""群防群治队伍: teams, their members (residents), and the activity log. No check-ins, points or rankings."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from zhzx_desktop.domain.months import first_of_month
from zhzx_desktop.domain.validation import field_label, normalize_phone
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import fields
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.storage import rows

MAX_DISPUTES = 10000  # 排查发现/预防纠纷数 of one activity


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
    disputes_found: int = 0  # 排查发现纠纷数 (the 月报's 排查 figures)
    disputes_prevented: int = 0  # 预防纠纷数


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


@dataclass(frozen=True)
class TeamDetail:
    """One team as the edit dialog and the page header need it (the phone in clear: only for the edit form)."""

    id: str
    name: str
    team_type: str
    leader_resident_id: str | None
    leader: str
    contact_phone: str
    grid_id: str | None
    grid: str
    founded_on: str | None
    duties: str


@dataclass(frozen=True)
class MemberRow:
    id: str
    resident_id: str
    name: str
    sex: str
    role: str
    joined_on: str
    left_on: str | None

    @property
    def current(self) -> bool:
        return self.left_on is None


@dataclass(frozen=True)
class ActivityRow:
    id: str
    team_id: str
    activity_date: str
    kind: str
    place: str
    summary: str
    findings: str
    participant_ids: tuple[str, ...]
    participant_names: tuple[str, ...]
    disputes_found: int = 0
    disputes_prevented: int = 0


@dataclass(frozen=True)
class MonthFigures:
    month: str  # "2026-11"
    activities: int
    attendances: int  # participants summed over the month's activities (参加人次)
    by_kind: tuple[tuple[str, int], ...]  # (activity_kind code, count), most frequent first


@dataclass(frozen=True)
class TeamMonthly:
    """A team's figures for the page's 统计 tab: head counts and the last months' activities (zero months kept)."""

    members: int  # in the team now
    members_ever: int  # everyone who was ever a member
    months: tuple[MonthFigures, ...]  # oldest first

    @property
    def activities(self) -> int:
        return sum(m.activities for m in self.months)


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


def _activity_values(ledger: Ledger, conn: sqlite3.Connection, data: ActivityInput) -> tuple[dict[str, Any], list[str]]:
    c = fields.Collector()
    team_id = c.check(lambda: fields.reference(conn, "teams", data.team_id, "team_id", required=True), None)
    day = c.check(lambda: fields.optional_date(data.activity_date, "activity_date", required=True), None)
    if day is not None and day > ledger.today().isoformat():
        c.errors.append(UserError("activity_date", "date_future", "活动日期不能晚于今天"))
    kind = c.check(lambda: fields.code("activity_kind", data.kind, "kind", required=True), None)
    place = c.check(lambda: fields.text(data.place, "place", fields.LINE_TEXT), "")
    summary = c.check(lambda: fields.text(data.summary, "summary", fields.LONG_TEXT), "")
    findings = c.check(lambda: fields.text(data.findings, "findings", fields.LONG_TEXT), "")
    counts: dict[str, int] = {}
    for name in ("disputes_found", "disputes_prevented"):
        value = getattr(data, name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_DISPUTES:
            c.errors.append(UserError(name, "out_of_range", f"{field_label(name)}应在 0 到 {MAX_DISPUTES} 之间"))
        counts[name] = value
    people = list(dict.fromkeys(r for r in data.participant_ids if r))
    if any(conn.execute("SELECT 1 FROM residents WHERE id = ?", (r,)).fetchone() is None for r in people):
        c.errors.append(UserError("participant_ids", "not_found", "所选的参加人员不存在，可能已被删除"))
    c.raise_if_any()
    values = {"team_id": team_id, "activity_date": day, "kind": kind, "place": place, "summary": summary,
              "findings": findings, **counts}
    return values, people


def log_activity(ledger: Ledger, data: ActivityInput) -> Changes:
    """Record one activity (巡逻、走访、排查、宣传、培训、调解…) with the residents who took part."""
    with ledger.store.write() as conn:
        values, people = _activity_values(ledger, conn, data)
        activity_id = rows.new_id()
        rows.insert(conn, "team_activities", [{"id": activity_id, **values, "created_at": rows.now_utc()}])
        rows.insert(conn, "activity_participants", [{"id": rows.new_id(), "activity_id": activity_id,
                                                     "resident_id": r} for r in people])
    return Changes(activities=True, row_id=activity_id)


def update_activity(ledger: Ledger, activity_id: str, data: ActivityInput) -> Changes:
    """Correct a logged activity: its fields, and who took part (participants added or removed, others kept)."""
    with ledger.store.write() as conn:
        current = rows.get(conn, "team_activities", activity_id)
        if current is None:
            raise UserError("activity_id", "not_found", "该活动记录不存在，可能已被删除")
        if data.team_id != current["team_id"]:
            raise UserError("team_id", "team_changed", "活动记录不能改到其他队伍")
        values, people = _activity_values(ledger, conn, data)
        changed = bool(rows.update_changed(conn, "team_activities", activity_id, values))
        before = {r: pid for pid, r in conn.execute(
            "SELECT id, resident_id FROM activity_participants WHERE activity_id = ?", (activity_id,))}
        gone = [pid for r, pid in before.items() if r not in people]
        for pid in gone:
            conn.execute("DELETE FROM activity_participants WHERE id = ?", (pid,))
        added = [r for r in people if r not in before]
        rows.insert(conn, "activity_participants", [{"id": rows.new_id(), "activity_id": activity_id,
                                                     "resident_id": r} for r in added])
    return Changes(activities=changed or bool(gone) or bool(added), row_id=activity_id)


def search(ledger: Ledger, query: str = "", limit: int = 200) -> list[TeamRow]:
    q = query.strip()
    sql = """SELECT t.id, t.name, t.team_type, coalesce(l.name, ''), t.contact_phone,
                    (SELECT count(*) FROM team_members m WHERE m.team_id = t.id AND m.left_on IS NULL)
             FROM teams t LEFT JOIN residents l ON l.id = t.leader_resident_id WHERE t.status = 'active'"""
    params: list[object] = []
    if q:
        sql += " AND (t.name LIKE ? ESCAPE '\\' OR l.name LIKE ? ESCAPE '\\')"
        pattern = f"%{fields.like_escape(q)}%"
        params += [pattern, pattern]
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


def get(ledger: Ledger, team_id: str) -> TeamDetail | None:
    rec = ledger.store.conn.execute(
        """SELECT t.id, t.name, t.team_type, t.leader_resident_id, coalesce(l.name, ''), t.contact_phone,
                  t.grid_id, coalesce(g.name, ''), t.founded_on, t.duties
           FROM teams t LEFT JOIN residents l ON l.id = t.leader_resident_id LEFT JOIN grids g ON g.id = t.grid_id
           WHERE t.id = ?""", (team_id,)).fetchone()
    return None if rec is None else TeamDetail(*rec)


def members(ledger: Ledger, team_id: str, include_left: bool = False) -> list[MemberRow]:
    """The team's members: those in the team first (leaders before members, then by joining date), then — when
    ``include_left`` — those who left, most recent first."""
    sql = """SELECT m.id, m.resident_id, r.name, r.sex, m.role, m.joined_on, m.left_on
             FROM team_members m JOIN residents r ON r.id = m.resident_id WHERE m.team_id = ?"""
    if not include_left:
        sql += " AND m.left_on IS NULL"
    sql += """ ORDER BY m.left_on IS NOT NULL, m.left_on DESC,
                        CASE m.role WHEN '队长' THEN 0 WHEN '副队长' THEN 1 WHEN '队员' THEN 3 ELSE 2 END,
                        m.joined_on, r.name"""
    return [MemberRow(*r) for r in ledger.store.conn.execute(sql, (team_id,))]


def get_member(ledger: Ledger, member_id: str) -> MemberRow | None:
    rec = ledger.store.conn.execute(
        """SELECT m.id, m.resident_id, r.name, r.sex, m.role, m.joined_on, m.left_on
           FROM team_members m JOIN residents r ON r.id = m.resident_id WHERE m.id = ?""", (member_id,)).fetchone()
    return None if rec is None else MemberRow(*rec)


def _activity_rows(ledger: Ledger, where: str, params: Sequence[object]) -> list[ActivityRow]:
    conn = ledger.store.conn
    recs = conn.execute("SELECT id, team_id, activity_date, kind, place, summary, findings, disputes_found, "
                        "disputes_prevented FROM team_activities " + where, params).fetchall()
    people: dict[str, list[tuple[str, str]]] = {}
    ids = [r[0] for r in recs]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for activity_id, resident_id, name in conn.execute(
                f"""SELECT p.activity_id, p.resident_id, r.name FROM activity_participants p
                    JOIN residents r ON r.id = p.resident_id WHERE p.activity_id IN ({marks})
                    ORDER BY r.name""", chunk):
            people.setdefault(activity_id, []).append((resident_id, name))
    out = []
    for rec in recs:
        who = people.get(rec[0], [])
        out.append(ActivityRow(id=rec[0], team_id=rec[1], activity_date=rec[2], kind=rec[3], place=rec[4],
                               summary=rec[5], findings=rec[6], participant_ids=tuple(r for r, _ in who),
                               participant_names=tuple(n for _, n in who), disputes_found=rec[7],
                               disputes_prevented=rec[8]))
    return out


def activities(ledger: Ledger, team_id: str, limit: int = 500) -> list[ActivityRow]:
    """The team's activity log, newest first, with who took part (names in code-point order)."""
    return _activity_rows(ledger, "WHERE team_id = ? ORDER BY activity_date DESC, created_at DESC LIMIT ?",
                          (team_id, limit))


def get_activity(ledger: Ledger, activity_id: str) -> ActivityRow | None:
    found = _activity_rows(ledger, "WHERE id = ?", (activity_id,))
    return found[0] if found else None


def monthly(ledger: Ledger, team_id: str, months: int = 12) -> TeamMonthly:
    """Members now and ever, and activities per month for the last ``months`` months up to today (this month
    included, months without activities included with zeros). Plain counts: no points, no rankings."""
    conn = ledger.store.conn
    now, ever = conn.execute("SELECT count(DISTINCT CASE WHEN left_on IS NULL THEN resident_id END), "
                             "count(DISTINCT resident_id) FROM team_members WHERE team_id = ?", (team_id,)).fetchone()
    this_month = ledger.today().replace(day=1)
    keys = [first_of_month(this_month, n).isoformat()[:7] for n in range(months - 1, -1, -1)]
    first = keys[0] + "-01"
    counts: dict[str, int] = {}
    kinds: dict[str, Counter[str]] = {}
    for month, kind, n in conn.execute(
            "SELECT substr(activity_date, 1, 7), kind, count(*) FROM team_activities "
            "WHERE team_id = ? AND activity_date >= ? GROUP BY 1, 2", (team_id, first)):
        counts[month] = counts.get(month, 0) + n
        kinds.setdefault(month, Counter())[kind] = n
    attendances = dict(conn.execute(
        """SELECT substr(a.activity_date, 1, 7), count(*) FROM team_activities a
           JOIN activity_participants p ON p.activity_id = a.id
           WHERE a.team_id = ? AND a.activity_date >= ? GROUP BY 1""", (team_id, first)).fetchall())
    return TeamMonthly(int(now), int(ever), tuple(
        MonthFigures(key, counts.get(key, 0), int(attendances.get(key, 0)),
                     tuple(sorted(kinds.get(key, Counter()).items(), key=lambda kv: (-kv[1], kv[0]))))
        for key in keys))
