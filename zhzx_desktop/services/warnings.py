"""研判 (early warning, issue 7 §3): the cases a village should report upward before they grow.

Four kinds, each a sentence a clerk can read out, the cases behind it, and the suggested step 「上报镇综治中心」
(``escalate`` records that it was done: ``cases.escalated_on``; a warning whose case is reported shows 已上报 and the
date instead of the step):

- ``repeat`` 重复纠纷: two or more cases accepted in the last 12 months between the same two sides: the same
  residents, or residents of the same two households, one on each side (applicant / respondent, either way round; a
  household's members count together, a resident without a household counts alone; third parties do not count);
- ``major`` 重大纠纷: a case not yet closed with 50 or more people involved;
- ``overdue`` 超期未调结: a case still in mediation (已受理/调解中) whose one-month limit (``deadline_on``) has passed;
- ``attention`` 需关注人员: a case not yet closed with a party in a 重点人员 category (the code table's sensitive
  categories, current on the day). For a role without ``SENSITIVE_VIEW`` the sentence says only
  「当事人属于需关注人员」: neither the category nor which party.

A role without ``CASES_VIEW`` gets no warnings (the parties' privacy, 人民调解法 §15).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from zhzx_desktop.domain import case_rules
from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.months import months_back
from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import fields
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.storage import rows

STEP = "上报镇综治中心"
MAJOR_PEOPLE = 50  # 重大: people_involved ≥ this
REPEAT_CASES = 2  # 重复纠纷: this many cases within REPEAT_MONTHS
REPEAT_MONTHS = 12
KIND_LABELS = {"major": "重大纠纷", "overdue": "超期未调结", "repeat": "重复纠纷", "attention": "需关注人员"}
_ORDER = {kind: i for i, kind in enumerate(KIND_LABELS)}
_ENDED = ("closed", "archived")  # a case in these states raises no major/attention warning


@dataclass(frozen=True)
class Warning:
    kind: str  # major / overdue / repeat / attention
    sentence: str
    case_id: str  # the case the step acts on (for a repeat: the newest of them)
    case_ids: tuple[str, ...]  # every case behind the warning, newest first
    case_nos: tuple[str, ...]
    escalated_on: str | None  # when case_id was reported 上报镇综治中心
    step: str = STEP

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def escalated(self) -> bool:
        return self.escalated_on is not None

    @property
    def step_text(self) -> str:
        """The suggested step, or what was done: 已上报（2026-11-20）."""
        return f"已上报（{self.escalated_on}）" if self.escalated_on else f"建议：{self.step}"

    @property
    def key(self) -> str:
        """Stable across reloads (the GUI keeps its place by it)."""
        return f"{self.kind}:{self.case_id}"


@dataclass(frozen=True)
class _Case:
    id: str
    case_no: str
    status: str
    accepted_on: str
    deadline_on: str | None
    people: int | None
    escalated_on: str | None


def _cases(conn: sqlite3.Connection, where: str, params: Iterable[object] = ()) -> dict[str, _Case]:
    sql = ("SELECT id, coalesce(case_no, ''), status, coalesce(accepted_on, ''), deadline_on, people_involved, "
           "escalated_on FROM cases WHERE " + where)
    return {r[0]: _Case(*r) for r in conn.execute(sql, tuple(params))}


def _no(case: _Case) -> str:
    return case.case_no or "（未编号案件）"


def _repeat(conn: sqlite3.Connection, today: date) -> list[Warning]:
    since = months_back(today, REPEAT_MONTHS).isoformat()
    recent = _cases(conn, "accepted_on > ? AND accepted_on <= ?", (since, today.isoformat()))
    if not recent:
        return []
    sides: dict[str, dict[str, set[str]]] = {}  # case id → role → household or resident keys
    names: dict[tuple[str, str], list[str]] = {}  # (case id, key) → the party names of that side in that case
    household_no: dict[str, str] = {}
    for case_id, role, resident_id, name, household_id, number in conn.execute(
            """SELECT p.case_id, p.role, p.resident_id, r.name, r.household_id, coalesce(h.household_no, '')
               FROM case_parties p JOIN cases c ON c.id = p.case_id JOIN residents r ON r.id = p.resident_id
               LEFT JOIN households h ON h.id = r.household_id
               WHERE c.accepted_on > ? AND c.accepted_on <= ? AND p.role IN ('applicant', 'respondent')
               ORDER BY p.rowid""", (since, today.isoformat())):
        key = f"h:{household_id}" if household_id else f"r:{resident_id}"
        sides.setdefault(case_id, {}).setdefault(role, set()).add(key)
        if name not in names.setdefault((case_id, key), []):
            names[case_id, key].append(name)
        if household_id:
            household_no[key] = number
    groups: dict[tuple[str, str], set[str]] = {}  # the two sides' keys (sorted) → case ids
    for case_id, by_role in sides.items():
        for one in by_role.get("applicant", ()):
            for other in by_role.get("respondent", ()):
                if one != other:  # a dispute inside one household is not between two households
                    groups.setdefault((min(one, other), max(one, other)), set()).add(case_id)

    def who(key: str, case_ids: list[str]) -> str:  # the names of ``key``'s side in these cases only
        seen = list(dict.fromkeys(name for case_id in case_ids for name in names.get((case_id, key), ())))
        shown = "、".join(seen)
        if key.startswith("h:") and len(seen) > 1:
            shown = "同户的" + shown
        return shown + (f"（户号{household_no[key]}）" if household_no.get(key) else "")

    out = []
    seen: set[frozenset[str]] = set()
    for pair, ids in groups.items():
        if len(ids) < REPEAT_CASES or frozenset(ids) in seen:
            continue
        seen.add(frozenset(ids))
        found = sorted((recent[i] for i in ids), key=lambda c: (c.accepted_on, c.case_no), reverse=True)
        newest = found[0]
        first, second = pair if pair[0] in sides[newest.id].get("applicant", ()) else pair[::-1]
        oldest_first = [c.id for c in reversed(found)]
        sentence = (f"{who(first, oldest_first)}与{who(second, oldest_first)}之间近{REPEAT_MONTHS}个月内已发生{len(found)}起纠纷"
                    f"（{'、'.join(_no(c) for c in found)}），矛盾反复发生，需防止激化")
        out.append(Warning("repeat", sentence, newest.id, tuple(c.id for c in found), tuple(c.case_no for c in found),
                           newest.escalated_on))
    return out


def _major(conn: sqlite3.Connection) -> list[Warning]:
    found = _cases(conn, f"people_involved >= ? AND status NOT IN ({','.join('?' * len(_ENDED))})",
                   (MAJOR_PEOPLE, *_ENDED))
    return [Warning("major", f"{_no(c)}涉及{c.people}人，属重大矛盾纠纷", c.id, (c.id,), (c.case_no,), c.escalated_on)
            for c in found.values()]


def _overdue(conn: sqlite3.Connection, today: date) -> list[Warning]:
    found = _cases(conn, f"status IN ({','.join('?' * len(case_rules.OPEN))}) AND deadline_on < ?",
                   (*case_rules.OPEN, today.isoformat()))
    out = []
    for c in found.values():
        late = (today - date.fromisoformat(c.deadline_on or today.isoformat())).days
        out.append(Warning("overdue", f"{_no(c)}于{c.accepted_on}受理，一个月的调解期限（{c.deadline_on}）"
                                      f"已过{late}天仍未调结", c.id, (c.id,), (c.case_no,), c.escalated_on))
    return out


def _attention(conn: sqlite3.Connection, today: date, sensitive_view: bool) -> list[Warning]:
    categories = code_table("resident_category")
    watched = [e.code for e in categories.entries if e.sensitive]
    if not watched:
        return []
    day = today.isoformat()
    hits: dict[str, list[tuple[str, str]]] = {}  # case id → (party name, category label)
    for case_id, name, category in conn.execute(
            f"""SELECT DISTINCT p.case_id, r.name, k.category
                FROM case_parties p JOIN cases c ON c.id = p.case_id JOIN residents r ON r.id = p.resident_id
                JOIN resident_categories k ON k.resident_id = r.id
                WHERE c.status NOT IN ({','.join('?' * len(_ENDED))})
                  AND k.category IN ({','.join('?' * len(watched))})
                  AND (k.since IS NULL OR k.since <= ?) AND (k.until IS NULL OR k.until >= ?)
                ORDER BY p.rowid, k.category""", (*_ENDED, *watched, day, day)):
        hits.setdefault(case_id, []).append((name, categories.label_or(category)))
    if not hits:
        return []
    found = _cases(conn, f"id IN ({','.join('?' * len(hits))})", hits)
    out = []
    for case_id, people in hits.items():
        c = found[case_id]
        if sensitive_view:
            said: dict[str, list[str]] = {}
            for name, label in people:
                said.setdefault(name, []).append(label)
            who = "；".join(f"当事人{name}属于{'、'.join(labels)}" for name, labels in said.items())
            sentence = f"{_no(c)}：{who}，需重点关注"
        else:
            sentence = f"{_no(c)}：当事人属于需关注人员，需重点关注"
        out.append(Warning("attention", sentence, c.id, (c.id,), (c.case_no,), c.escalated_on))
    return out


def early_warnings(ledger: Ledger, today: date | None = None) -> list[Warning]:
    """Every warning of the day: those not yet reported first, then by kind (重大, 超期, 重复, 需关注) and case
    number. Empty for a role without ``CASES_VIEW``."""
    actor = ledger.actor
    if actor is None or not actor.can(Permission.CASES_VIEW):
        return []
    day = today or ledger.today()
    conn = ledger.store.conn
    found = [*_major(conn), *_overdue(conn, day), *_repeat(conn, day),
             *_attention(conn, day, actor.can(Permission.SENSITIVE_VIEW))]
    found.sort(key=lambda w: (w.escalated, _ORDER[w.kind], w.case_nos[0] if w.case_nos else ""))
    return found


def escalate(ledger: Ledger, case_id: str, on: str | date | None) -> Changes:
    """上报镇综治中心: record the day the case was reported (not in the future, not before its acceptance). An
    explicit audit entry says who reported which case and when."""
    ledger.require(Permission.CASES_EDIT, "上报案件")
    day = fields.optional_date(on, "escalated_on", required=True)
    assert day is not None
    if day > ledger.today().isoformat():
        raise UserError("escalated_on", "date_future", "上报日期不能晚于今天")
    with ledger.store.write() as conn:
        case = rows.get(conn, "cases", case_id)
        if case is None:
            raise UserError("case", "not_found", "案件不存在，可能已被删除")
        if case["accepted_on"] and day < case["accepted_on"]:
            raise UserError("escalated_on", "date_too_early", f"上报日期不能早于受理日期（{case['accepted_on']}）")
        changed = rows.update_changed(conn, "cases", case_id, {"escalated_on": day})
        if changed:
            ledger.audit("escalate", object_type="cases", object_id=case_id, object_label=case["case_no"] or "",
                         detail=f"上报日期 {day}")
    return Changes(cases=bool(changed), row_id=case_id)

