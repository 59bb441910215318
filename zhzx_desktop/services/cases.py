"""和事佬 / 人民调解 cases end to end (DOMAIN.md §1): 受理登记, mediators, sessions, the agreement (written or oral)
or the termination, 履行, 司法确认, 回访, 结案 and 归档. The rules live in ``domain/case_rules.py``; every step checks
them here, inside the write transaction, and explains a refusal in Chinese. Documents: ``services/case_documents.py``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from zhzx_desktop.domain import case_rules
from zhzx_desktop.domain.case_rules import WRITTEN
from zhzx_desktop.domain.citizen_id import parse_citizen_id
from zhzx_desktop.domain.codes import code_table
from zhzx_desktop.domain.masking import mask_id, mask_phone
from zhzx_desktop.domain.roles import Permission
from zhzx_desktop.domain.validation import field_label, normalize_name, normalize_phone, shown
from zhzx_desktop.errors import UserError
from zhzx_desktop.services import committee, fields
from zhzx_desktop.services.changes import Changes
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.storage import rows

PARTY_ID_CONTEXT = "case_parties.id_number"
_RESIDENT_ID_CONTEXT = "residents.id_number"
MEDIATION_TEAM_TYPES = ("02", "03")  # 人民调解委员会, “和事佬”调解队 (team_type)
ROLE_LABELS = {"applicant": "申请人", "respondent": "被申请人", "third_party": "当事人"}
PARTY_KINDS = {"person": "自然人", "legal_person": "法人", "organization": "非法人组织"}
MEDIATOR_ROLES = {"lead": "主持调解员", "mediator": "调解员", "recorder": "记录人"}
CHANNELS = ("申请仲裁", "请求行政机关处理", "向人民法院起诉")  # 人民调解法 §26: the other ways the parties were told of
LIST_LIMIT = 500


# --- inputs ---------------------------------------------------------------------------------------------------

@dataclass
class PartyInput:
    """A party: a resident picked from the register (their details are copied from it at the time), or an outsider
    (a person or an organisation) typed in. ``id`` is set when editing an existing party."""

    role: str = "applicant"
    party_kind: str = "person"
    resident_id: str | None = None
    name: str = ""
    sex: str | None = None
    ethnicity: str | None = None
    birth_date: str | date | None = None
    occupation: str = ""
    phone: str = ""
    address: str = ""
    id_number: str = ""  # an outsider's 身份证号 (optional); left empty on edit keeps the stored one
    credit_code: str = ""
    legal_rep: str = ""
    agent: str = ""
    id: str | None = None


@dataclass
class MediatorInput:
    resident_id: str
    role: str = "mediator"
    id: str | None = None


@dataclass
class IntakeInput:
    """受理登记 (DOMAIN.md §1.3(c) and the 台账 columns of §3.2)."""

    accepted_on: str | date | None
    source: str | None
    dispute_type: str | None
    summary: str
    parties: Sequence[PartyInput] = ()
    mediators: Sequence[MediatorInput] = ()
    event_scale: str | None = "01"
    people_involved: int | None = None
    amount: str | int | None = None  # 涉及金额 in 元 (text as typed, or fen as int)
    occurred_on: str | date | None = None
    place: str = ""
    grid_id: str | None = None
    notes: str = ""
    prevention: str | None = None  # prevention_kind: 防止民转刑 … (the 月报's N件M人)
    difficult: bool = False  # 疑难案件


@dataclass
class SessionInput:
    """One investigation (调查) or mediation (调解记录) session."""

    kind: str  # 'mediation' / 'investigation'
    held_on: str | date | None
    held_time: str = ""  # "14:30", optional
    place: str = ""
    parties_present: str = ""
    participants: str = ""
    statements: str = ""
    result: str = ""
    recorder: str = ""


@dataclass
class InstallmentInput:
    due_on: str | date | None
    amount: str | int | None
    payer: str = ""
    payee: str = ""
    id: str | None = None


@dataclass
class AgreementInput:
    form: str  # agreement_form: 01 书面 / 02 口头
    facts: str
    terms: str  # one clause per line
    performance_method: str
    effective_on: str | date | None
    performance_place: str = ""
    performance_deadline: str | date | None = None
    amount: str | int | None = None
    installments: Sequence[InstallmentInput] = ()


@dataclass
class TerminationInput:
    reason: str
    channels_told: Sequence[str] = ()


@dataclass
class JudicialInput:
    applied_on: str | date | None
    court: str = ""
    result: str | None = None  # jc_result
    result_on: str | date | None = None


@dataclass
class FollowUpInput:
    due_on: str | date | None = None
    done_on: str | date | None = None
    form: str | None = None  # follow_up_form
    party: str = ""
    performance: str | None = None  # performance_state
    satisfaction: str | None = None  # satisfaction
    visitor: str = ""
    notes: str = ""


# --- rows ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseRow:
    id: str
    case_no: str
    status: str
    status_label: str  # 调解成功 (履行中) …
    dispute_type: str
    source: str
    accepted_on: str
    parties: str  # 张三、李四
    deadline_on: str | None
    result: str | None
    closed_on: str | None


@dataclass(frozen=True)
class PartyRow:
    id: str
    role: str
    party_kind: str
    resident_id: str | None
    name: str
    sex: str  # label
    ethnicity: str  # label
    birth_date: str | None
    occupation: str
    phone_masked: str
    address: str
    id_masked: str
    credit_code: str
    legal_rep: str
    agent: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


@dataclass(frozen=True)
class MediatorRow:
    id: str
    resident_id: str | None
    name: str
    role: str

    @property
    def role_label(self) -> str:
        return MEDIATOR_ROLES[self.role]


@dataclass(frozen=True)
class SessionRow:
    id: str
    kind: str
    held_at: str
    place: str
    parties_present: str
    participants: str
    statements: str
    result: str
    recorder: str

    @property
    def kind_label(self) -> str:
        return "调解" if self.kind == "mediation" else "调查"


@dataclass(frozen=True)
class InstallmentRow:
    id: str
    due_on: str
    amount_fen: int
    payer: str
    payee: str
    paid_on: str | None


@dataclass(frozen=True)
class AgreementRow:
    id: str
    supplements_id: str | None
    form: str
    facts: str
    terms: str
    performance_method: str
    performance_place: str
    performance_deadline: str | None
    amount_fen: int | None
    effective_on: str | None
    performed_on: str | None
    frozen_at: str | None
    scan_sha256: str | None
    jc_applied_on: str | None
    jc_court: str
    jc_result: str | None
    jc_result_on: str | None
    installments: tuple[InstallmentRow, ...]

    @property
    def written(self) -> bool:
        return self.form == WRITTEN

    @property
    def jc_deadline(self) -> str | None:
        if not self.written or not self.effective_on:
            return None
        return case_rules.jc_deadline(date.fromisoformat(self.effective_on)).isoformat()


@dataclass(frozen=True)
class FollowUpRow:
    id: str
    due_on: str | None
    done_on: str | None
    form: str
    party: str
    performance: str
    satisfaction: str
    visitor: str
    notes: str


@dataclass(frozen=True)
class DocumentRow:
    id: str
    item: str
    origin: str  # generated / scan / paper
    doc_type: str | None
    subject_id: str | None
    title: str
    sha256: str | None
    media_type: str | None
    size: int | None
    pages: int | None
    created_at: str
    notes: str

    @property
    def item_label(self) -> str:
        return code_table("case_file_item").label(self.item)


@dataclass(frozen=True)
class CaseDetail:
    id: str
    case_no: str
    case_year: int
    status: str
    source: str
    dispute_type: str
    event_scale: str | None
    people_involved: int | None
    amount_fen: int | None
    summary: str
    place: str
    grid_id: str | None
    occurred_on: str | None
    accepted_on: str
    deadline_on: str | None
    result: str | None
    agreement_form: str | None
    failure_reason: str
    channels_told: str
    closed_on: str | None
    archived_on: str | None
    retention: str
    notes: str
    parties: tuple[PartyRow, ...]
    mediators: tuple[MediatorRow, ...]
    sessions: tuple[SessionRow, ...]
    agreements: tuple[AgreementRow, ...]
    follow_ups: tuple[FollowUpRow, ...]
    documents: tuple[DocumentRow, ...]
    prevention: str | None = None  # prevention_kind code
    difficult: bool = False  # 疑难案件
    escalated_on: str | None = None  # 上报镇综治中心 (services/warnings.escalate)

    @property
    def status_label(self) -> str:
        return _status_label(self.status, self.agreement)

    @property
    def agreement(self) -> AgreementRow | None:
        """The main agreement (not a 补充协议)."""
        return next((a for a in self.agreements if a.supplements_id is None), None)

    @property
    def title(self) -> str:
        return case_rules.case_title([p.name for p in self.parties], self.dispute_type)

    def can(self, step: str) -> bool:
        return case_rules.allowed(self.status, step)

    def missing(self, *, archiving: bool = False) -> list[str]:
        """Labels of the required case-file items not filed yet (the 卷宗 completeness check)."""
        filed = {d.item for d in self.documents}
        table = code_table("case_file_item")
        return [table.label(i) for i in case_rules.missing_items(filed, self.result, archiving=archiving)]


# --- helpers ---------------------------------------------------------------------------------------------------

def _status_label(status: str, agreement: AgreementRow | None) -> str:
    label = case_rules.status_label(status)
    if status == "agreed" and agreement is not None:
        label += "（已履行）" if agreement.performed_on else "（履行中）"
    return label


def _today(ledger: Ledger) -> date:
    return ledger.today()


def _date(value: str | date | None, field_name: str, *, required: bool = False) -> str | None:
    return fields.optional_date(value, field_name, required=required)


def _not_future(ledger: Ledger, value: str | None, field_name: str) -> None:
    if value is not None and value > _today(ledger).isoformat():
        raise UserError(field_name, "date_future", f"{field_label(field_name)}不能晚于今天")


def _not_before(value: str | None, earliest: str | None, field_name: str, what: str) -> None:
    if value is not None and earliest is not None and value < earliest:
        raise UserError(field_name, "date_too_early",
                        f"{field_label(field_name)}不能早于{what}（{earliest}）")


def _case(conn: sqlite3.Connection, case_id: str) -> dict[str, Any]:
    row = rows.get(conn, "cases", case_id)
    if row is None:
        raise UserError("case", "not_found", "案件不存在，可能已被删除")
    return row


def case_for_step(conn: sqlite3.Connection, case_id: str, step: str) -> dict[str, Any]:
    """The case's row, when its status allows ``step`` (``case_rules``); otherwise the refusal, in words."""
    case = _case(conn, case_id)
    case_rules.require(case["status"], step)
    return case


def agreement_row(conn: sqlite3.Connection, agreement_id: str) -> dict[str, Any]:
    row = rows.get(conn, "agreements", agreement_id)
    if row is None:
        raise UserError("agreement", "not_found", "协议不存在，可能已被删除")
    return row


def _party_error(index: int, name: str, exc: UserError) -> UserError:
    who = f"第{index}位当事人" + (f"（{shown(name)}）" if name else "")  # a pasted paragraph is not echoed
    return UserError("parties", exc.code, f"{who}：{exc.message}")


def _party_values(ledger: Ledger, conn: sqlite3.Connection, party: PartyInput, index: int,
                  existing: dict[str, Any] | None) -> dict[str, Any]:
    """A party's row values; raises one UserError (field ``parties``) naming the party."""
    name_hint = party.name.strip()
    try:
        if party.role not in ROLE_LABELS:
            raise UserError("role", "bad_role", "当事人类别不正确")
        if party.party_kind not in PARTY_KINDS:
            raise UserError("party_kind", "bad_kind", "主体类型不正确")
        agent = fields.text(party.agent, "agent", fields.SHORT_TEXT)
        if party.resident_id:
            res = rows.get(conn, "residents", party.resident_id)
            if res is None or res["status"] in ("merged", "deleted"):
                raise UserError("resident_id", "not_found", "所选居民不存在或已注销")
            id_cipher = id_hmac = id_masked = None
            if res["id_cipher"]:
                number = ledger.cipher.decrypt(res["id_cipher"], context=_RESIDENT_ID_CONTEXT)
                sealed = ledger.cipher.seal_id(number, mask_id(number), context=PARTY_ID_CONTEXT)
                id_cipher, id_hmac, id_masked = sealed.cipher, sealed.hmac, sealed.masked
            return {"role": party.role, "party_kind": "person", "resident_id": res["id"], "name": res["name"],
                    "sex": res["sex"], "ethnicity": res["ethnicity"], "birth_date": res["birth_date"],
                    "occupation": res["occupation"], "phone": res["phone"], "address": res["address"],
                    "id_type": res["id_type"] if id_cipher else None, "id_cipher": id_cipher, "id_hmac": id_hmac,
                    "id_masked": id_masked, "credit_code": "", "legal_rep": "", "agent": agent}
        person = party.party_kind == "person"
        name = (normalize_name(party.name, field="party_name") if person
                else fields.text(party.name, "org_name", fields.SHORT_TEXT, required=True))
        name_hint = name
        values: dict[str, Any] = {
            "role": party.role, "party_kind": party.party_kind, "resident_id": None, "name": name,
            "sex": fields.code("sex", party.sex, "sex") if person else None,
            "ethnicity": fields.code("ethnicity", party.ethnicity, "ethnicity") if person else None,
            "birth_date": _date(party.birth_date, "birth_date") if person else None,
            "occupation": fields.text(party.occupation, "occupation", fields.SHORT_TEXT),
            "phone": normalize_phone(party.phone, field="party_phone"),
            "address": fields.text(party.address, "address", fields.LINE_TEXT),
            "credit_code": "" if person else fields.text(party.credit_code, "credit_code", 18),
            "legal_rep": "" if person else fields.text(party.legal_rep, "legal_rep", fields.SHORT_TEXT),
            "agent": agent,
        }
        if values["birth_date"] is not None and values["birth_date"] > _today(ledger).isoformat():
            raise UserError("birth_date", "date_future", "出生日期不能晚于今天")
        raw_id = party.id_number.strip()
        if person and raw_id:
            parsed = parse_citizen_id(raw_id, today=_today(ledger), field="party_id_number")
            sealed = ledger.cipher.seal_id(parsed.number, mask_id(parsed.number), context=PARTY_ID_CONTEXT)
            values.update(id_type="111", id_cipher=sealed.cipher, id_hmac=sealed.hmac, id_masked=sealed.masked,
                          sex=values["sex"] or parsed.sex, birth_date=values["birth_date"] or
                          parsed.birth_date.isoformat())
        elif person and existing is not None and existing["resident_id"] is None:
            values.update({k: existing[k] for k in ("id_type", "id_cipher", "id_hmac", "id_masked")})
        else:
            values.update(id_type=None, id_cipher=None, id_hmac=None, id_masked=None)
        return values
    except UserError as exc:
        raise _party_error(index, name_hint, exc) from None


def _mediator_values(conn: sqlite3.Connection, mediator: MediatorInput) -> dict[str, Any]:
    if mediator.role not in MEDIATOR_ROLES:
        raise UserError("mediators", "bad_role", "调解员角色不正确")
    name = conn.execute(
        f"""SELECT r.name FROM residents r JOIN team_members m ON m.resident_id = r.id JOIN teams t ON t.id = m.team_id
            WHERE r.id = ? AND m.left_on IS NULL AND t.team_type IN ({",".join("?" * len(MEDIATION_TEAM_TYPES))})""",
        (mediator.resident_id, *MEDIATION_TEAM_TYPES)).fetchone()
    if name is None:
        who = conn.execute("SELECT name FROM residents WHERE id = ?", (mediator.resident_id,)).fetchone()
        shown = f"“{who[0]}”" if who else "所选人员"
        raise UserError("mediators", "not_mediator",
                        f"{shown}不是人民调解委员会或“和事佬”调解队的现任成员：请先在“队伍”中把他加入调解队伍")
    return {"resident_id": mediator.resident_id, "name": name[0], "role": mediator.role}


def _sync_children(conn: sqlite3.Connection, table: str, case_column: str, case_id: str,
                   wanted: list[tuple[str | None, dict[str, Any]]]) -> None:
    """Make ``table``'s rows of the case exactly ``wanted``: update those with an id, insert the new, delete the rest."""
    current = {r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE {case_column} = ?", (case_id,))}
    kept = set()
    for row_id, values in wanted:
        if row_id is not None and row_id in current:
            rows.update_changed(conn, table, row_id, values)
            kept.add(row_id)
        else:
            rows.insert(conn, table, [{"id": rows.new_id(), case_column: case_id, **values}])
    for gone in current - kept:
        conn.execute(f"DELETE FROM {table} WHERE id = ?", (gone,))


def _intake_values(ledger: Ledger, data: IntakeInput, c: fields.Collector) -> dict[str, Any]:
    accepted = c.check(lambda: _date(data.accepted_on, "accepted_on", required=True), None)
    c.check(lambda: _not_future(ledger, accepted, "accepted_on"), None)
    occurred = c.check(lambda: _date(data.occurred_on, "occurred_on"), None)
    c.check(lambda: _not_future(ledger, occurred, "occurred_on"), None)
    if occurred and accepted and occurred > accepted:
        c.errors.append(UserError("occurred_on", "date_order", "发生日期不能晚于受理日期"))
    people = data.people_involved
    if people is not None and not 1 <= people <= 100000:
        c.errors.append(UserError("people_involved", "out_of_range", "涉及人数应在 1 到 100000 之间"))
    return {
        "accepted_on": accepted,
        "source": c.check(lambda: fields.code("case_source", data.source, "case_source", required=True), None),
        "dispute_type": c.check(lambda: fields.code("dispute_type", data.dispute_type, "dispute_type",
                                                    required=True), None),
        "event_scale": c.check(lambda: fields.code("event_scale", data.event_scale, "event_scale"), None),
        "people_involved": people,
        "amount_fen": c.check(lambda: fields.amount_fen(data.amount, "amount"), None),
        "summary": c.check(lambda: fields.text(data.summary, "description", fields.LONG_TEXT, required=True), ""),
        "place": c.check(lambda: fields.text(data.place, "place", fields.LINE_TEXT), ""),
        "occurred_on": occurred,
        "grid_id": c.check(lambda: fields.reference(ledger.store.conn, "grids", data.grid_id, "grid_id"), None),
        "notes": c.check(lambda: fields.text(data.notes, "notes", fields.LONG_TEXT), ""),
        "prevention": c.check(lambda: fields.code("prevention_kind", data.prevention, "prevention"), None),
        "difficult": int(bool(data.difficult)),
    }


def _parties_and_mediators(ledger: Ledger, conn: sqlite3.Connection, data: IntakeInput, c: fields.Collector,
                           case_id: str | None) -> tuple[list[tuple[str | None, dict[str, Any]]],
                                                         list[tuple[str | None, dict[str, Any]]]]:
    existing = ({r["id"]: r for r in _dict_rows(conn, "SELECT * FROM case_parties WHERE case_id = ?", (case_id,))}
                if case_id else {})
    parties = []
    for i, party in enumerate(data.parties, start=1):
        values = c.check(partial(_party_values, ledger, conn, party, i, existing.get(party.id or "")), None)
        if values is not None:
            parties.append((party.id, values))
    if len(data.parties) < 2:
        c.errors.append(UserError("parties", "too_few", "纠纷至少要有两方当事人，请添加当事人"))
    residents = [v["resident_id"] for _, v in parties if v["resident_id"]]
    if len(residents) != len(set(residents)):
        c.errors.append(UserError("parties", "duplicate", "同一位居民被重复添加为当事人"))
    mediators = []
    for mediator in data.mediators:
        values = c.check(partial(_mediator_values, conn, mediator), None)
        if values is not None:
            mediators.append((mediator.id, values))
    chosen = [v["resident_id"] for _, v in mediators]
    if len(chosen) != len(set(chosen)):
        c.errors.append(UserError("mediators", "duplicate", "同一位调解员被重复指派"))
    if sum(1 for _, v in mediators if v["role"] == "lead") > 1:
        c.errors.append(UserError("mediators", "two_leads", "主持调解员只能有一位"))
    if set(chosen) & set(residents):
        c.errors.append(UserError("mediators", "party_mediates", "当事人不能担任本案的调解员（人民调解法第15条：不得偏袒）"))
    return parties, mediators


def _dict_rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _allocate_number(conn: sqlite3.Connection, year: int, settings: committee.CommitteeSettings) -> tuple[int, str]:
    """The next running number of this PC's block for ``year`` (inside the write transaction: no two equal)."""
    low, high = case_rules.block_range(settings.block)
    last = conn.execute("SELECT max(case_seq) FROM cases WHERE case_year = ? AND case_seq BETWEEN ? AND ?",
                        (year, low, high)).fetchone()[0]
    seq = low if last is None else last + 1
    if seq > high:
        raise UserError("case_block", "block_full",
                        f"本机号段（{low}–{high}号）今年已用完：请在“调委会设置”中换一个未被其他电脑使用的号段")
    return seq, case_rules.case_number(year, settings.prefix, seq)


# --- 受理登记 ---------------------------------------------------------------------------------------------------

def open_case(ledger: Ledger, data: IntakeInput) -> Changes:
    """受理登记: the case gets its number and its 1-month mediation deadline. Nothing is saved unless all is valid."""
    settings = committee.require_complete(ledger)
    with ledger.store.write() as conn:
        c = fields.Collector()
        values = _intake_values(ledger, data, c)
        parties, mediators = _parties_and_mediators(ledger, conn, data, c, None)
        c.raise_if_any()
        accepted = date.fromisoformat(values["accepted_on"])
        seq, number = _allocate_number(conn, accepted.year, settings)
        case_id = rows.new_id()
        rows.insert(conn, "cases", [{
            "id": case_id, "case_no": number, "case_year": accepted.year, "case_seq": seq, "status": "accepted",
            "deadline_on": case_rules.mediation_deadline(accepted).isoformat(), "retention": settings.retention,
            "created_at": rows.now_utc(), **values}])
        _sync_children(conn, "case_parties", "case_id", case_id, parties)
        _sync_children(conn, "case_mediators", "case_id", case_id, mediators)
    return Changes(cases=True, row_id=case_id)


def update_intake(ledger: Ledger, case_id: str, data: IntakeInput) -> Changes:
    """Correct the 受理登记 (while the case is open): the number stays; the deadline follows the acceptance date."""
    with ledger.store.write() as conn:
        case = case_for_step(conn, case_id, "edit_intake")
        c = fields.Collector()
        values = _intake_values(ledger, data, c)
        parties, mediators = _parties_and_mediators(ledger, conn, data, c, case_id)
        first_session = conn.execute("SELECT min(substr(held_at, 1, 10)) FROM case_sessions WHERE case_id = ?",
                                     (case_id,)).fetchone()[0]
        if values["accepted_on"] and first_session and values["accepted_on"] > first_session:
            c.errors.append(UserError("accepted_on", "date_order",
                                      f"受理日期不能晚于第一次调查或调解的日期（{first_session}）"))
        if values["accepted_on"] and int(values["accepted_on"][:4]) != case["case_year"]:
            c.errors.append(UserError("accepted_on", "year_changed",
                                      f"案号是{case['case_year']}年的，受理日期不能改到其他年份"))
        c.raise_if_any()
        values["deadline_on"] = case_rules.mediation_deadline(date.fromisoformat(values["accepted_on"])).isoformat()
        rows.update_changed(conn, "cases", case_id, values)
        _sync_children(conn, "case_parties", "case_id", case_id, parties)
        _sync_children(conn, "case_mediators", "case_id", case_id, mediators)
    return Changes(cases=True, row_id=case_id)


def assign_mediators(ledger: Ledger, case_id: str, mediators: Sequence[MediatorInput]) -> Changes:
    """指派调解员 (人民调解法 §19) from the mediation teams' current members."""
    with ledger.store.write() as conn:
        case_for_step(conn, case_id, "edit_intake")
        data = load_intake(ledger, case_id)
        data.mediators = list(mediators)
        c = fields.Collector()
        _, wanted = _parties_and_mediators(ledger, conn, data, c, case_id)
        c.raise_if_any()
        _sync_children(conn, "case_mediators", "case_id", case_id, wanted)
    return Changes(cases=True, row_id=case_id)


def load_intake(ledger: Ledger, case_id: str) -> IntakeInput:
    """The stored 受理登记 as the form shows it (ID numbers stay sealed: the form shows the masked ones)."""
    conn = ledger.store.conn
    case = _case(conn, case_id)
    parties = [PartyInput(role=p["role"], party_kind=p["party_kind"], resident_id=p["resident_id"], name=p["name"],
                          sex=p["sex"], ethnicity=p["ethnicity"], birth_date=p["birth_date"],
                          occupation=p["occupation"], phone=p["phone"], address=p["address"],
                          credit_code=p["credit_code"], legal_rep=p["legal_rep"], agent=p["agent"], id=p["id"])
               for p in _dict_rows(conn, "SELECT * FROM case_parties WHERE case_id = ? ORDER BY rowid", (case_id,))]
    mediators = [MediatorInput(resident_id=m["resident_id"], role=m["role"], id=m["id"])
                 for m in _dict_rows(conn, "SELECT * FROM case_mediators WHERE case_id = ? ORDER BY rowid",
                                     (case_id,))]
    amount = case["amount_fen"]
    return IntakeInput(accepted_on=case["accepted_on"], source=case["source"], dispute_type=case["dispute_type"],
                       summary=case["summary"], parties=parties, mediators=mediators,
                       event_scale=case["event_scale"], people_involved=case["people_involved"],
                       amount=amount, occurred_on=case["occurred_on"], place=case["place"],
                       grid_id=case["grid_id"], notes=case["notes"], prevention=case["prevention"],
                       difficult=bool(case["difficult"]))


@dataclass(frozen=True)
class MediatorOption:
    resident_id: str
    name: str
    team: str


def mediator_options(ledger: Ledger) -> list[MediatorOption]:
    """Current members of the 调委会 and 和事佬 teams: the people a case can be assigned to."""
    found = ledger.store.conn.execute(
        f"""SELECT r.id, r.name, group_concat(t.name, '、') FROM team_members m
            JOIN teams t ON t.id = m.team_id JOIN residents r ON r.id = m.resident_id
            WHERE m.left_on IS NULL AND t.team_type IN ({",".join("?" * len(MEDIATION_TEAM_TYPES))})
              AND r.status = 'active'
            GROUP BY r.id ORDER BY r.name""", MEDIATION_TEAM_TYPES).fetchall()
    return [MediatorOption(*row) for row in found]


# --- sessions --------------------------------------------------------------------------------------------------

def _session_values(ledger: Ledger, conn: sqlite3.Connection, case: dict[str, Any],
                    data: SessionInput) -> dict[str, Any]:
    c = fields.Collector()
    if data.kind not in ("mediation", "investigation"):
        c.errors.append(UserError("session_kind", "bad_kind", "请选择记录类型：调解或调查"))
    held = c.check(lambda: _date(data.held_on, "held_on", required=True), None)
    c.check(lambda: _not_future(ledger, held, "held_on"), None)
    c.check(lambda: _not_before(held, case["accepted_on"], "held_on", "受理日期"), None)
    time_text = data.held_time.strip()
    if time_text:
        parts = time_text.replace("：", ":").split(":")
        if len(parts) != 2 or not all(p.isdigit() for p in parts) or not (0 <= int(parts[0]) < 24
                                                                          and 0 <= int(parts[1]) < 60):
            c.errors.append(UserError("held_time", "time_invalid", "时间格式不正确（例：14:30）"))
        else:
            time_text = f"{int(parts[0]):02d}:{int(parts[1]):02d}"
    values = {
        "kind": data.kind,
        "held_at": f"{held} {time_text}".strip() if held else "",
        "place": c.check(lambda: fields.text(data.place, "place", fields.LINE_TEXT, required=True), ""),
        "parties_present": c.check(lambda: fields.text(data.parties_present, "parties_present", fields.LINE_TEXT,
                                                       required=data.kind == "mediation"), ""),
        "participants": c.check(lambda: fields.text(data.participants, "participants", fields.LINE_TEXT), ""),
        "statements": c.check(lambda: fields.text(data.statements, "statements", 20000, required=True), ""),
        "result": c.check(lambda: fields.text(data.result, "session_result", fields.LONG_TEXT,
                                              required=data.kind == "mediation"), ""),
        "recorder": c.check(lambda: fields.text(data.recorder, "recorder", fields.SHORT_TEXT), ""),
    }
    if data.kind == "mediation" and not conn.execute(
            "SELECT 1 FROM case_mediators WHERE case_id = ? AND role IN ('lead', 'mediator')",
            (case["id"],)).fetchone():
        c.errors.append(UserError("mediators", "no_mediator", "请先为本案指派调解员，再记录调解"))
    c.raise_if_any()
    return values


def add_session(ledger: Ledger, case_id: str, data: SessionInput) -> Changes:
    """记录一次调查或调解. The first mediation session moves the case to 调解中."""
    with ledger.store.write() as conn:
        case = case_for_step(conn, case_id, "session")
        values = _session_values(ledger, conn, case, data)
        session_id = rows.new_id()
        rows.insert(conn, "case_sessions", [{"id": session_id, "case_id": case_id, **values}])
        if data.kind == "mediation" and case["status"] == "accepted":
            rows.update_changed(conn, "cases", case_id, {"status": "mediating"})
    return Changes(cases=True, row_id=session_id)


def update_session(ledger: Ledger, session_id: str, data: SessionInput) -> Changes:
    with ledger.store.write() as conn:
        session = rows.get(conn, "case_sessions", session_id)
        if session is None:
            raise UserError("session", "not_found", "记录不存在，可能已被删除")
        case = case_for_step(conn, session["case_id"], "session")
        values = _session_values(ledger, conn, case, data)
        if session["kind"] != values["kind"] and case["status"] == "mediating" and values["kind"] != "mediation":
            others = conn.execute("SELECT count(*) FROM case_sessions WHERE case_id = ? AND kind = 'mediation' "
                                  "AND id != ?", (case["id"], session_id)).fetchone()[0]
            if not others:
                raise UserError("session_kind", "last_mediation", "这是本案唯一的调解记录，不能改为调查记录")
        rows.update_changed(conn, "case_sessions", session_id, values)
    return Changes(cases=True, row_id=session_id)


# --- the agreement ---------------------------------------------------------------------------------------------

def _installment_values(data: InstallmentInput, index: int, effective: str | None) -> dict[str, Any]:
    try:
        due = _date(data.due_on, "due_on", required=True)
        _not_before(due, effective, "due_on", "协议生效日期")
        amount = fields.amount_fen(data.amount, "installment_amount", required=True)
        return {"due_on": due, "amount_fen": amount,
                "payer": fields.text(data.payer, "payer", fields.SHORT_TEXT),
                "payee": fields.text(data.payee, "payee", fields.SHORT_TEXT)}
    except UserError as exc:
        raise UserError("installments", exc.code, f"第{index}期：{exc.message}") from None


def _agreement_values(ledger: Ledger, case: dict[str, Any], data: AgreementInput
                      ) -> tuple[dict[str, Any], list[tuple[str | None, dict[str, Any]]]]:
    c = fields.Collector()
    form = c.check(lambda: fields.code("agreement_form", data.form, "agreement_form", required=True), None)
    effective = c.check(lambda: _date(data.effective_on, "effective_on", required=True), None)
    c.check(lambda: _not_future(ledger, effective, "effective_on"), None)
    c.check(lambda: _not_before(effective, case["accepted_on"], "effective_on", "受理日期"), None)
    terms = "\n".join(line.strip() for line in (data.terms or "").splitlines() if line.strip())
    values: dict[str, Any] = {
        "form": form,
        "facts": c.check(lambda: fields.text(data.facts, "facts", fields.LONG_TEXT, required=form == WRITTEN), ""),
        "terms": c.check(lambda: fields.text(terms, "terms", fields.LONG_TEXT, required=True), ""),
        "performance_method": c.check(lambda: fields.text(data.performance_method, "performance_method",
                                                          fields.LINE_TEXT, required=True), ""),
        "performance_place": c.check(lambda: fields.text(data.performance_place, "performance_place",
                                                         fields.LINE_TEXT), ""),
        "performance_deadline": c.check(lambda: _date(data.performance_deadline, "performance_deadline"), None),
        "amount_fen": c.check(lambda: fields.amount_fen(data.amount, "agreement_amount"), None),
        "effective_on": effective,
    }
    c.check(lambda: _not_before(values["performance_deadline"], effective, "performance_deadline", "协议生效日期"),
            None)
    installments = []
    for i, inst in enumerate(data.installments, start=1):
        got = c.check(partial(_installment_values, inst, i, effective), None)
        if got is not None:
            installments.append((inst.id, got))
    if installments and len(installments) == len(data.installments):
        total = sum(v["amount_fen"] for _, v in installments)
        if values["amount_fen"] is None:
            values["amount_fen"] = total
        elif total != values["amount_fen"]:
            c.errors.append(UserError("installments", "sum_mismatch",
                                      f"各期金额合计 {fields.yuan(total)} 元，与协议金额 "
                                      f"{fields.yuan(values['amount_fen'])} 元不一致"))
        last_due = max(v["due_on"] for _, v in installments)
        if values["performance_deadline"] and last_due > values["performance_deadline"]:
            c.errors.append(UserError("installments", "after_deadline",
                                      f"最后一期（{last_due}）晚于履行期限（{values['performance_deadline']}）"))
    c.raise_if_any()
    return values, installments


def record_agreement(ledger: Ledger, case_id: str, data: AgreementInput) -> Changes:
    """调解成功: the agreement (written 协议书 or oral 口头协议), its installments, and a planned 回访."""
    with ledger.store.write() as conn:
        case = case_for_step(conn, case_id, "agreement")
        c = fields.Collector()
        if not conn.execute("SELECT 1 FROM case_sessions WHERE case_id = ? AND kind = 'mediation'",
                            (case_id,)).fetchone():
            c.errors.append(UserError("sessions", "no_session",
                                      "还没有调解记录：请先记录调解过程（人民调解法第27条），再登记协议"))
        valid = c.check(partial(_agreement_values, ledger, case, data), None)
        c.raise_if_any()
        assert valid is not None
        values, installments = valid
        agreement_id = rows.new_id()
        parties = conn.execute("SELECT count(*) FROM case_parties WHERE case_id = ?", (case_id,)).fetchone()[0]
        rows.insert(conn, "agreements", [{"id": agreement_id, "case_id": case_id, "copies": parties + 1,
                                          "created_at": rows.now_utc(), **values}])
        _sync_children(conn, "installments", "agreement_id", agreement_id, installments)
        rows.update_changed(conn, "cases", case_id, {"status": "agreed", "result": "success",
                                                     "agreement_form": values["form"]})
        dates = [date.fromisoformat(v["due_on"]) for _, v in installments]
        if values["performance_deadline"]:
            dates.append(date.fromisoformat(values["performance_deadline"]))
        due = case_rules.follow_up_due(date.fromisoformat(values["effective_on"]), dates)
        rows.insert(conn, "follow_ups", [{"id": rows.new_id(), "case_id": case_id, "due_on": due.isoformat()}])
    return Changes(cases=True, row_id=agreement_id)


def update_agreement(ledger: Ledger, agreement_id: str, data: AgreementInput) -> Changes:
    """Correct an agreement before it is frozen (a signed scan attached freezes it: then a 补充协议 is the way)."""
    with ledger.store.write() as conn:
        agreement = agreement_row(conn, agreement_id)
        case = case_for_step(conn, agreement["case_id"], "edit_agreement")
        if agreement["frozen_at"]:
            raise UserError("agreement", "frozen", "协议书已附签字扫描件，已经定稿，不能再改；如需变更，请制作补充协议")
        paid = conn.execute("SELECT count(*) FROM installments WHERE agreement_id = ? AND paid_on IS NOT NULL",
                            (agreement_id,)).fetchone()[0]
        values, installments = _agreement_values(ledger, case, data)
        kept = {i for i, _ in installments if i}
        if paid and conn.execute(
                f"SELECT count(*) FROM installments WHERE agreement_id = ? AND paid_on IS NOT NULL "
                f"AND id NOT IN ({','.join('?' * len(kept))})", (agreement_id, *kept)).fetchone()[0]:
            raise UserError("installments", "paid_removed", "已登记付款的分期不能删除")
        if agreement["supplements_id"] is None and values["form"] != agreement["form"]:
            rows.update_changed(conn, "cases", case["id"], {"agreement_form": values["form"]})
        rows.update_changed(conn, "agreements", agreement_id, values)
        _sync_children(conn, "installments", "agreement_id", agreement_id, installments)
    return Changes(cases=True, row_id=agreement_id)


def add_supplement(ledger: Ledger, agreement_id: str, data: AgreementInput) -> Changes:
    """补充协议 to a frozen agreement: a new written agreement that points at the one it amends."""
    with ledger.store.write() as conn:
        original = agreement_row(conn, agreement_id)
        case = case_for_step(conn, original["case_id"], "edit_agreement")
        if not original["frozen_at"]:
            raise UserError("agreement", "not_frozen", "原协议还没有定稿（未附签字扫描件），可以直接修改原协议")
        values, installments = _agreement_values(ledger, case, data)
        _not_before(values["effective_on"], original["effective_on"], "effective_on", "原协议生效日期")
        new_id = rows.new_id()
        parties = conn.execute("SELECT count(*) FROM case_parties WHERE case_id = ?", (case["id"],)).fetchone()[0]
        rows.insert(conn, "agreements", [{"id": new_id, "case_id": case["id"], "supplements_id": agreement_id,
                                          "copies": parties + 1, "created_at": rows.now_utc(), **values}])
        _sync_children(conn, "installments", "agreement_id", new_id, installments)
    return Changes(cases=True, row_id=new_id)


def set_installment_paid(ledger: Ledger, installment_id: str, paid_on: str | date | None) -> Changes:
    """登记（或撤销）一期履行."""
    with ledger.store.write() as conn:
        inst = rows.get(conn, "installments", installment_id)
        if inst is None:
            raise UserError("installment", "not_found", "分期不存在，可能已被删除")
        agreement = agreement_row(conn, inst["agreement_id"])
        case_for_step(conn, agreement["case_id"], "performance")
        paid = _date(paid_on, "paid_on")
        _not_future(ledger, paid, "paid_on")
        _not_before(paid, agreement["effective_on"], "paid_on", "协议生效日期")
        if paid is None and agreement["performed_on"]:
            raise UserError("paid_on", "performed", "协议已登记履行完毕，请先撤销“履行完毕”再撤销付款")
        rows.update_changed(conn, "installments", installment_id, {"paid_on": paid})
    return Changes(cases=True, row_id=installment_id)


def set_performed(ledger: Ledger, agreement_id: str, performed_on: str | date | None) -> Changes:
    """履行完毕 (or undo it): every installment must be paid first."""
    with ledger.store.write() as conn:
        agreement = agreement_row(conn, agreement_id)
        case_for_step(conn, agreement["case_id"], "performance")
        done = _date(performed_on, "performed_on")
        _not_future(ledger, done, "performed_on")
        _not_before(done, agreement["effective_on"], "performed_on", "协议生效日期")
        if done is not None:
            unpaid = conn.execute("SELECT count(*) FROM installments WHERE agreement_id = ? AND paid_on IS NULL",
                                  (agreement_id,)).fetchone()[0]
            if unpaid:
                raise UserError("performed_on", "unpaid", f"还有{unpaid}期没有登记付款，不能登记履行完毕")
            last_paid = conn.execute("SELECT max(paid_on) FROM installments WHERE agreement_id = ?",
                                     (agreement_id,)).fetchone()[0]
            _not_before(done, last_paid, "performed_on", "最后一期付款日期")
        rows.update_changed(conn, "agreements", agreement_id, {"performed_on": done})
    return Changes(cases=True, row_id=agreement_id)


def set_judicial(ledger: Ledger, agreement_id: str, data: JudicialInput) -> Changes:
    """司法确认: applied jointly within 30 days of the agreement taking effect (人民调解法 §33), then its result."""
    with ledger.store.write() as conn:
        agreement = agreement_row(conn, agreement_id)
        case_for_step(conn, agreement["case_id"], "judicial")
        if agreement["form"] != WRITTEN:
            raise UserError("jc_applied_on", "oral", "口头协议不能申请司法确认：请先制作书面调解协议书")
        c = fields.Collector()
        applied = c.check(lambda: _date(data.applied_on, "jc_applied_on", required=True), None)
        c.check(lambda: _not_future(ledger, applied, "jc_applied_on"), None)
        c.check(lambda: _not_before(applied, agreement["effective_on"], "jc_applied_on", "协议生效日期"), None)
        last_day = case_rules.jc_deadline(date.fromisoformat(agreement["effective_on"])).isoformat()
        if applied and applied > last_day:
            c.errors.append(UserError("jc_applied_on", "too_late",
                                      f"司法确认须自协议生效之日起30日内申请（截至{last_day}），"
                                      "已超过期限，法院不予受理；可告知当事人就协议履行向法院起诉"))
        court = c.check(lambda: fields.text(data.court, "jc_court", fields.SHORT_TEXT, required=True), "")
        result = c.check(lambda: fields.code("jc_result", data.result, "jc_result"), None)
        result_on = c.check(lambda: _date(data.result_on, "jc_result_on", required=result is not None), None)
        c.check(lambda: _not_future(ledger, result_on, "jc_result_on"), None)
        c.check(lambda: _not_before(result_on, applied, "jc_result_on", "申请日期"), None)
        if result_on and result is None:
            c.errors.append(UserError("jc_result", "required", "填写了决定日期，请同时选择确认结果"))
        c.raise_if_any()
        rows.update_changed(conn, "agreements", agreement_id, {"jc_applied_on": applied, "jc_court": court,
                                                               "jc_result": result, "jc_result_on": result_on})
    return Changes(cases=True, row_id=agreement_id)


# --- termination -----------------------------------------------------------------------------------------------

def terminate(ledger: Ledger, case_id: str, data: TerminationInput) -> Changes:
    """调解不成 / 终止调解 (人民调解法 §26): the reason, and the other ways to resolve it the parties were told of."""
    with ledger.store.write() as conn:
        case_for_step(conn, case_id, "terminate")
        c = fields.Collector()
        reason = c.check(lambda: fields.text(data.reason, "failure_reason", fields.LONG_TEXT, required=True), "")
        channels = [ch for ch in data.channels_told if ch]
        if not channels:
            c.errors.append(UserError("channels_told", "required",
                                      "请勾选已告知当事人的其他解决途径（人民调解法第26条：调解不成应告知当事人可通过仲裁、"
                                      "行政、司法等途径维权）"))
        unknown = [ch for ch in channels if ch not in CHANNELS]
        if unknown:
            c.errors.append(UserError("channels_told", "bad_channel", f"未知的解决途径：{'、'.join(unknown)}"))
        c.raise_if_any()
        rows.update_changed(conn, "cases", case_id, {"status": "failed", "result": "failure",
                                                     "failure_reason": reason, "channels_told": "、".join(channels)})
    return Changes(cases=True, row_id=case_id)


# --- 回访 -------------------------------------------------------------------------------------------------------

def _follow_up_values(ledger: Ledger, case: dict[str, Any], data: FollowUpInput) -> dict[str, Any]:
    c = fields.Collector()
    due = c.check(lambda: _date(data.due_on, "follow_up_due_on"), None)
    done = c.check(lambda: _date(data.done_on, "follow_up_done_on"), None)
    c.check(lambda: _not_future(ledger, done, "follow_up_done_on"), None)
    c.check(lambda: _not_before(done, case["accepted_on"], "follow_up_done_on", "受理日期"), None)
    if due is None and done is None:
        c.errors.append(UserError("follow_up_due_on", "required", "请填写计划回访日期或实际回访日期"))
    needed = done is not None
    values = {
        "due_on": due, "done_on": done,
        "form": c.check(lambda: fields.code("follow_up_form", data.form, "follow_up_form", required=needed), None)
        or "",
        "party": c.check(lambda: fields.text(data.party, "follow_up_party", fields.SHORT_TEXT, required=needed), ""),
        "performance": c.check(lambda: fields.code("performance_state", data.performance, "performance_state",
                                                   required=needed and case["result"] == "success"), None) or "",
        "satisfaction": c.check(lambda: fields.code("satisfaction", data.satisfaction, "satisfaction",
                                                    required=needed), None) or "",
        "visitor": c.check(lambda: fields.text(data.visitor, "follow_up_visitor", fields.SHORT_TEXT, required=needed), ""),
        "notes": c.check(lambda: fields.text(data.notes, "notes", fields.LONG_TEXT), ""),
    }
    c.raise_if_any()
    return values


def add_follow_up(ledger: Ledger, case_id: str, data: FollowUpInput) -> Changes:
    with ledger.store.write() as conn:
        case = case_for_step(conn, case_id, "follow_up")
        values = _follow_up_values(ledger, case, data)
        follow_up_id = rows.new_id()
        rows.insert(conn, "follow_ups", [{"id": follow_up_id, "case_id": case_id, **values}])
    return Changes(cases=True, row_id=follow_up_id)


def update_follow_up(ledger: Ledger, follow_up_id: str, data: FollowUpInput) -> Changes:
    with ledger.store.write() as conn:
        follow_up = rows.get(conn, "follow_ups", follow_up_id)
        if follow_up is None:
            raise UserError("follow_up", "not_found", "回访记录不存在，可能已被删除")
        case = case_for_step(conn, follow_up["case_id"], "follow_up")
        rows.update_changed(conn, "follow_ups", follow_up_id, _follow_up_values(ledger, case, data))
    return Changes(cases=True, row_id=follow_up_id)


# --- 结案 and 归档 ---------------------------------------------------------------------------------------------

def close_case(ledger: Ledger, case_id: str, closed_on: str | date | None) -> Changes:
    """结案: refused, with every reason listed, while the case file lacks a required document, the agreement is
    neither performed nor followed up, or a planned 回访 is still open."""
    with ledger.store.write() as conn:
        case = case_for_step(conn, case_id, "close")
        c = fields.Collector()
        closed = c.check(lambda: _date(closed_on, "closed_on", required=True), None)
        c.check(lambda: _not_future(ledger, closed, "closed_on"), None)
        last_event = conn.execute(
            """SELECT max(d) FROM (SELECT max(substr(held_at, 1, 10)) AS d FROM case_sessions WHERE case_id = :c
               UNION ALL SELECT max(effective_on) FROM agreements WHERE case_id = :c
               UNION ALL SELECT max(done_on) FROM follow_ups WHERE case_id = :c
               UNION ALL SELECT accepted_on FROM cases WHERE id = :c)""", {"c": case_id}).fetchone()[0]
        c.check(lambda: _not_before(closed, last_event, "closed_on", "本案最后一项记录的日期"), None)
        detail = get_case(ledger, case_id)
        missing = detail.missing()
        if missing:
            c.errors.append(UserError("documents", "file_incomplete",
                                      f"卷宗缺少必备文书：{'、'.join(missing)}。请在“卷宗”中打印存档或登记纸质材料后再结案"))
        open_follow_ups = [f for f in detail.follow_ups if f.done_on is None]
        if open_follow_ups:
            c.errors.append(UserError("follow_ups", "open_follow_up",
                                      f"还有{len(open_follow_ups)}次计划的回访没有完成（应于 "
                                      f"{open_follow_ups[0].due_on or ''} 回访），请登记回访结果后再结案"))
        agreement = detail.agreement
        if case["result"] == "success" and agreement is not None and not agreement.performed_on \
                and not any(f.done_on for f in detail.follow_ups):
            c.errors.append(UserError("performed_on", "not_performed",
                                      "协议尚未履行完毕，也没有回访记录：请登记履行完毕，或回访并记录履行情况后再结案"))
        c.raise_if_any()
        rows.update_changed(conn, "cases", case_id, {"status": "closed", "closed_on": closed})
    return Changes(cases=True, row_id=case_id)


def archive_case(ledger: Ledger, case_id: str, archived_on: str | date | None) -> Changes:
    """归档: a closed case whose file is complete, cover and 卷内目录 included."""
    with ledger.store.write() as conn:
        case = case_for_step(conn, case_id, "archive")
        archived = _date(archived_on, "archived_on", required=True)
        _not_future(ledger, archived, "archived_on")
        _not_before(archived, case["closed_on"], "archived_on", "结案日期")
        missing = get_case(ledger, case_id).missing(archiving=True)
        if missing:
            raise UserError("documents", "file_incomplete",
                            f"卷宗缺少：{'、'.join(missing)}。请先打印卷宗封面及卷内目录并存档")
        rows.update_changed(conn, "cases", case_id, {"status": "archived", "archived_on": archived})
    return Changes(cases=True, row_id=case_id)


# --- reading ---------------------------------------------------------------------------------------------------

_LIST_SQL = """SELECT c.id, c.case_no, c.status, c.dispute_type, c.source, c.accepted_on, c.deadline_on, c.result,
       c.closed_on, (SELECT group_concat(name, '、') FROM (SELECT name FROM case_parties p WHERE p.case_id = c.id
                                                         ORDER BY p.rowid)),
       (SELECT performed_on IS NOT NULL FROM agreements a WHERE a.case_id = c.id AND a.supplements_id IS NULL)
  FROM cases c"""


def filter_sql(status: str | None = None, query: str = "") -> tuple[str, list[str]]:
    """The ``WHERE`` clause (over ``cases c``) and its parameters for a status and a search text: the case number,
    a party's name or the summary contains the text."""
    where, params = [], []
    if status:
        where.append("c.status = ?")
        params.append(status)
    text = query.strip()
    if text:
        pattern = f"%{fields.like_escape(text)}%"
        where.append("""(c.case_no LIKE ? ESCAPE '\\' OR c.summary LIKE ? ESCAPE '\\' OR EXISTS (
            SELECT 1 FROM case_parties p WHERE p.case_id = c.id AND p.name LIKE ? ESCAPE '\\'))""")
        params += [pattern] * 3
    return (" WHERE " + " AND ".join(where) if where else ""), params


def list_cases(ledger: Ledger, query: str = "", status: str | None = None, limit: int = LIST_LIMIT) -> list[CaseRow]:
    """Cases newest first (at most ``limit``; ``services/case_export.py`` reads them all). None for a role without
    ``CASES_VIEW`` (the parties' privacy, 人民调解法 §15)."""
    if ledger.actor is None or not ledger.actor.can(Permission.CASES_VIEW):
        return []
    where, params = filter_sql(status, query)
    sql = _LIST_SQL + where + " ORDER BY c.accepted_on DESC, c.case_seq DESC LIMIT ?"
    types, sources = code_table("dispute_type"), code_table("case_source")
    found = []
    for (case_id, number, st, dispute, source, accepted, deadline, result, closed, names,
         performed) in ledger.store.conn.execute(sql, (*params, limit)):
        label = case_rules.status_label(st)
        if st == "agreed" and performed is not None:
            label += "（已履行）" if performed else "（履行中）"
        found.append(CaseRow(case_id, number or "", st, label, types.label_or(dispute), sources.label_or(source),
                             accepted or "", names or "", deadline, result, closed))
    return found


def case_id_by_no(ledger: Ledger, case_no: str) -> str:
    row = ledger.store.conn.execute("SELECT id FROM cases WHERE case_no = ?", (case_no.strip(),)).fetchone()
    if row is None:
        raise UserError("case_no", "not_found", f"没有案号为“{case_no.strip()}”的案件")
    return str(row[0])


def get_case(ledger: Ledger, case_id: str) -> CaseDetail:
    conn = ledger.store.conn
    case = _case(conn, case_id)
    sexes, nations = code_table("sex"), code_table("ethnicity")
    parties = tuple(
        PartyRow(p["id"], p["role"], p["party_kind"], p["resident_id"], p["name"], sexes.label_or(p["sex"]),
                 nations.label_or(p["ethnicity"]), p["birth_date"], p["occupation"],
                 mask_phone(p["phone"]) if p["phone"] else "", p["address"], p["id_masked"] or "",
                 p["credit_code"], p["legal_rep"], p["agent"])
        for p in _dict_rows(conn, "SELECT * FROM case_parties WHERE case_id = ? ORDER BY rowid", (case_id,)))
    mediators = tuple(MediatorRow(m["id"], m["resident_id"], m["name"], m["role"]) for m in _dict_rows(
        conn, "SELECT * FROM case_mediators WHERE case_id = ? "
              "ORDER BY CASE role WHEN 'lead' THEN 0 WHEN 'mediator' THEN 1 ELSE 2 END, rowid", (case_id,)))
    sessions = tuple(SessionRow(s["id"], s["kind"], s["held_at"], s["place"], s["parties_present"],
                                s["participants"], s["statements"], s["result"], s["recorder"])
                     for s in _dict_rows(conn, "SELECT * FROM case_sessions WHERE case_id = ? "
                                               "ORDER BY held_at, rowid", (case_id,)))
    agreements = []
    for a in _dict_rows(conn, "SELECT * FROM agreements WHERE case_id = ? ORDER BY supplements_id IS NOT NULL, "
                              "effective_on, rowid", (case_id,)):
        installments = tuple(InstallmentRow(i["id"], i["due_on"], i["amount_fen"], i["payer"], i["payee"],
                                            i["paid_on"])
                             for i in _dict_rows(conn, "SELECT * FROM installments WHERE agreement_id = ? "
                                                       "ORDER BY due_on, rowid", (a["id"],)))
        agreements.append(AgreementRow(
            a["id"], a["supplements_id"], a["form"], a["facts"], a["terms"], a["performance_method"],
            a["performance_place"], a["performance_deadline"], a["amount_fen"], a["effective_on"],
            a["performed_on"], a["frozen_at"], a["scan_sha256"], a["jc_applied_on"], a["jc_court"], a["jc_result"],
            a["jc_result_on"], installments))
    follow_ups = tuple(FollowUpRow(f["id"], f["due_on"], f["done_on"], f["form"], f["party"], f["performance"],
                                   f["satisfaction"], f["visitor"], f["notes"])
                       for f in _dict_rows(conn, "SELECT * FROM follow_ups WHERE case_id = ? "
                                                 "ORDER BY coalesce(done_on, due_on), rowid", (case_id,)))
    documents = tuple(DocumentRow(d["id"], d["item"], d["origin"], d["doc_type"], d["subject_id"], d["title"],
                                  d["sha256"], d["media_type"], d["size"], d["pages"], d["created_at"], d["notes"])
                      for d in _dict_rows(conn, "SELECT * FROM case_documents WHERE case_id = ? "
                                                "ORDER BY item, created_at, rowid", (case_id,)))
    return CaseDetail(
        case["id"], case["case_no"] or "", case["case_year"], case["status"], case["source"], case["dispute_type"],
        case["event_scale"], case["people_involved"], case["amount_fen"], case["summary"], case["place"],
        case["grid_id"], case["occurred_on"], case["accepted_on"], case["deadline_on"], case["result"],
        case["agreement_form"], case["failure_reason"], case["channels_told"], case["closed_on"],
        case["archived_on"], case["retention"], case["notes"], parties, mediators, sessions, tuple(agreements),
        follow_ups, documents, prevention=case["prevention"], difficult=bool(case["difficult"]),
        escalated_on=case["escalated_on"])
