"""Synthetic 人民调解 cases for tests: a committee, a 和事佬 team, residents as parties, and cases in each state.

Every name and ID number is generated (``tests.helpers.make_id``); the dates fit the fixed clock TODAY=2026-11-23.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.helpers import make_id
from zhzx_desktop.services import cases, committee, residents, teams
from zhzx_desktop.services.cases import AgreementInput, InstallmentInput, IntakeInput, MediatorInput, PartyInput
from zhzx_desktop.services.ledger import Ledger

COMMITTEE = committee.CommitteeSettings(name="青石村人民调解委员会", prefix="青石村")


@dataclass(frozen=True)
class Village:
    parties: tuple[str, ...]  # resident ids of would-be parties
    mediators: tuple[str, ...]  # resident ids of the 和事佬 team's members
    team_id: str


def village(ledger: Ledger, *, people: int = 4, mediators: int = 2) -> Village:
    """A committee with its settings, ``people`` residents and a 和事佬 team of ``mediators`` members."""
    committee.save(ledger, COMMITTEE)
    names = ["周建国", "吴秀英", "郑海涛", "王丽娟", "冯志强", "陈桂兰", "褚明亮", "卫晓燕"]
    party_ids = tuple(
        residents.register(ledger, residents.ResidentInput(
            name=names[i % len(names)] + ("" if i < len(names) else str(i)), id_number=make_id(seq=101 + 2 * i),
            phone=f"1380000{1000 + i}", address=f"青石村{i + 1}组")).row_id or ""
        for i in range(people))
    mediator_names = ["蒋德胜", "沈玉梅", "韩立新"]
    mediator_ids = tuple(
        residents.register(ledger, residents.ResidentInput(
            name=mediator_names[i], id_number=make_id(born="19700505", seq=301 + 2 * i))).row_id or ""
        for i in range(mediators))
    team_id = teams.create(ledger, teams.TeamInput(name="青石村和事佬", team_type="03")).row_id or ""
    for resident_id in mediator_ids:
        teams.add_member(ledger, teams.MemberInput(team_id=team_id, resident_id=resident_id, role="调解员",
                                                   joined_on="2025-01-01"))
    return Village(party_ids, mediator_ids, team_id)


def intake(v: Village, *, accepted_on: str = "2026-11-02", amount: str = "12000", **overrides: object) -> IntakeInput:
    data = IntakeInput(
        accepted_on=accepted_on, source="01", dispute_type="02",
        summary="两家因院墙排水沟堵塞引起积水，损坏邻居菜地，双方多次争吵。",
        parties=[PartyInput(role="applicant", resident_id=v.parties[0]),
                 PartyInput(role="respondent", resident_id=v.parties[1])],
        mediators=[MediatorInput(resident_id=v.mediators[0], role="lead")],
        amount=amount, place="青石村二组")
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def session(held_on: str = "2026-11-05", **overrides: object) -> cases.SessionInput:
    data = cases.SessionInput(kind="mediation", held_on=held_on, held_time="09:30", place="村委会调解室",
                              parties_present="周建国、吴秀英", statements="申请人称排水沟被堵，菜地被淹；被申请人认可。",
                              result="双方同意协商赔偿", recorder="沈玉梅")
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def agreement(effective_on: str = "2026-11-10", **overrides: object) -> AgreementInput:
    data = AgreementInput(
        form="01", facts="被申请人堵塞排水沟致申请人菜地积水，被申请人负主要责任。",
        terms="被申请人疏通排水沟并恢复原状\n被申请人赔偿申请人菜地损失",
        performance_method="分两期以现金支付", effective_on=effective_on, performance_deadline="2026-12-31",
        amount="12000",
        installments=[InstallmentInput(due_on="2026-11-30", amount="6000", payer="吴秀英", payee="周建国"),
                      InstallmentInput(due_on="2026-12-31", amount="6000", payer="吴秀英", payee="周建国")])
    for key, value in overrides.items():
        setattr(data, key, value)
    return data


def open_case(ledger: Ledger, v: Village, **overrides: object) -> str:
    return cases.open_case(ledger, intake(v, **overrides)).row_id or ""


def agreed_case(ledger: Ledger, v: Village) -> str:
    """A case with a mediation session and a written agreement of two installments (the first due 2026-11-30)."""
    case_id = open_case(ledger, v)
    cases.add_session(ledger, case_id, session())
    cases.record_agreement(ledger, case_id, agreement())
    return case_id
