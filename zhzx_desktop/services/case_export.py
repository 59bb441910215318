"""Every case as one flat record, for ``zhzx-desktop list cases`` and the figures computed from it.

Unlike ``cases.list_cases`` (newest first, capped for a screen) this reads ALL cases, oldest first — by acceptance
date, then the running number — in chunks, so a county-sized ledger is read with a handful of queries per 500 cases.
A record never holds an ID number or a phone: a party is its name, role and kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from zhzx_desktop.domain import case_rules
from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.services import cases
from zhzx_desktop.services.ledger import Ledger

CHUNK = 500
AGREEMENT_FORMS = {case_rules.WRITTEN: "written", case_rules.ORAL: "oral"}


@dataclass(frozen=True)
class PartyRecord:
    name: str
    role: str  # applicant / respondent / third_party
    kind: str  # person / legal_person / organization


@dataclass(frozen=True)
class CaseRecord:
    id: str
    case_no: str
    case_year: int | None
    status: str  # case_status code
    dispute_type: str | None
    source: str | None
    event_scale: str | None
    people_involved: int | None
    accepted_on: str | None
    deadline_on: str | None
    closed_on: str | None
    archived_on: str | None
    result: str | None  # success / failure / None
    agreement_form: str | None  # written / oral / None
    amount_involved_fen: int | None  # 涉及金额
    agreement_amount_fen: int | None  # the main agreement's amount (not a 补充协议's)
    performed_on: str | None
    jc_applied_on: str | None
    jc_result: str | None
    sessions: int  # investigation and mediation sessions recorded
    follow_ups_done: int
    follow_ups_open: int
    parties: tuple[PartyRecord, ...]
    mediators: tuple[str, ...]  # the lead first, then the other mediators (not the recorder)
    jc_result_on: str | None = None
    prevention: str | None = None  # prevention_kind code (防止民转刑 …)
    difficult: bool = False  # 疑难案件
    escalated_on: str | None = None  # 上报镇综治中心 (研判)

    @property
    def amount_fen(self) -> int | None:
        """The agreement's amount when there is an agreement, else the amount involved."""
        return self.agreement_amount_fen if self.agreement_amount_fen is not None else self.amount_involved_fen

    def to_json(self) -> dict[str, Any]:
        """The stable JSON object of ``list cases --json`` (amounts in 元, codes with their labels)."""
        def label(table: str, code: str | None) -> str | None:
            return code_table(table).label_or(code) if code else None

        return {
            "id": self.id, "case_no": self.case_no, "case_year": self.case_year,
            "status": self.status, "status_label": case_rules.status_label(self.status),
            "dispute_type": self.dispute_type, "dispute_type_label": label("dispute_type", self.dispute_type),
            "source": self.source, "source_label": label("case_source", self.source),
            "event_scale": self.event_scale, "event_scale_label": label("event_scale", self.event_scale),
            "people_involved": self.people_involved,
            "accepted_on": self.accepted_on, "deadline_on": self.deadline_on, "closed_on": self.closed_on,
            "archived_on": self.archived_on, "result": self.result, "agreement_form": self.agreement_form,
            "amount": yuan(self.amount_fen), "amount_involved": yuan(self.amount_involved_fen),
            "agreement_amount": yuan(self.agreement_amount_fen),
            "performed_on": self.performed_on, "jc_applied_on": self.jc_applied_on, "jc_result": self.jc_result,
            "sessions": self.sessions, "follow_ups_done": self.follow_ups_done,
            "follow_ups_open": self.follow_ups_open,
            "parties": [{"name": p.name, "role": p.role, "kind": p.kind} for p in self.parties],
            "mediators": list(self.mediators),
            "jc_result_on": self.jc_result_on,
            "prevention": self.prevention, "prevention_label": label("prevention_kind", self.prevention),
            "difficult": self.difficult, "escalated_on": self.escalated_on, "party_count": len(self.parties),
        }


def yuan(fen: int | None) -> float | None:
    """Fen as a JSON number of 元 with (at most) two decimals: 1200050 → 12000.5."""
    return None if fen is None else round(fen / 100, 2)


def _in(ids: list[str]) -> str:
    return ",".join("?" * len(ids))


def iter_cases(ledger: Ledger, *, status: str | None = None, query: str = "") -> Iterator[CaseRecord]:
    """All cases (or those of ``status`` / matching ``query`` like ``cases.list_cases``), sorted by acceptance
    date, then running number, then case number. Reading them all out is an export: it needs ``EXPORT`` and is
    recorded in the audit log (with how many cases and the filter)."""
    ledger.require(Permission.EXPORT, "导出调解案件清单")
    conn = ledger.store.conn
    where, params = cases.filter_sql(status, query)
    order = [r[0] for r in conn.execute(
        "SELECT c.id FROM cases c" + where + " ORDER BY coalesce(c.accepted_on, ''), coalesce(c.case_seq, 0), coalesce(c.case_no, ''), c.id", params)]
    narrowed = "，".join(p for p in (f"状态 {status}" if status else "", "按查询筛选" if query.strip() else "") if p)
    ledger.audit("export", object_type="cases", object_label="调解案件清单",
                 detail=f"{len(order)} 件" + (f"（{narrowed}）" if narrowed else ""))
    return _records(ledger, order)


def _records(ledger: Ledger, order: list[str]) -> Iterator[CaseRecord]:
    for start in range(0, len(order), CHUNK):
        yield from _chunk(ledger, order[start:start + CHUNK])


def _chunk(ledger: Ledger, ids: list[str]) -> list[CaseRecord]:
    conn = ledger.store.conn
    marks = _in(ids)
    parties: dict[str, list[PartyRecord]] = {i: [] for i in ids}
    for case_id, name, role, kind in conn.execute(
            f"SELECT case_id, name, role, party_kind FROM case_parties WHERE case_id IN ({marks}) ORDER BY rowid",
            ids):
        parties[case_id].append(PartyRecord(name, role, kind))
    mediators: dict[str, list[str]] = {i: [] for i in ids}
    for case_id, name in conn.execute(
            f"""SELECT case_id, name FROM case_mediators WHERE case_id IN ({marks}) AND role IN ('lead', 'mediator')
                ORDER BY CASE role WHEN 'lead' THEN 0 ELSE 1 END, rowid""", ids):
        mediators[case_id].append(name)
    agreements = {r[0]: r[1:] for r in conn.execute(
        f"""SELECT case_id, amount_fen, performed_on, jc_applied_on, jc_result, jc_result_on FROM agreements
            WHERE case_id IN ({marks}) AND supplements_id IS NULL ORDER BY rowid DESC""", ids)}
    sessions = dict(conn.execute(
        f"SELECT case_id, count(*) FROM case_sessions WHERE case_id IN ({marks}) GROUP BY case_id", ids).fetchall())
    follow_ups = {r[0]: (r[1], r[2]) for r in conn.execute(
        f"""SELECT case_id, count(done_on), count(*) - count(done_on) FROM follow_ups WHERE case_id IN ({marks})
            GROUP BY case_id""", ids)}
    cur = conn.execute(
        f"""SELECT id, case_no, case_year, status, dispute_type, source, event_scale, people_involved, accepted_on,
                   deadline_on, closed_on, archived_on, result, agreement_form, amount_fen, prevention, difficult,
                   escalated_on
              FROM cases WHERE id IN ({marks})""", ids)
    found = {r[0]: r for r in cur.fetchall()}
    records = []
    for case_id in ids:
        (_, number, year, status, dispute, source, scale, people, accepted, deadline, closed, archived, result,
         form, amount, prevention, difficult, escalated) = found[case_id]
        agreement_amount, performed, jc_applied, jc_result, jc_result_on = agreements.get(
            case_id, (None, None, None, None, None))
        done, still_open = follow_ups.get(case_id, (0, 0))
        records.append(CaseRecord(
            case_id, number or "", year, status, dispute, source, scale, people, accepted, deadline, closed, archived,
            result, AGREEMENT_FORMS.get(form or ""), amount, agreement_amount, performed, jc_applied, jc_result,
            sessions.get(case_id, 0), done, still_open, tuple(parties[case_id]), tuple(mediators[case_id]),
            jc_result_on, prevention, bool(difficult), escalated))
    return records
