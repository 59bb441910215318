"""Synthetic but plausible demo data: villages, grids with grid workers, households of realistic sizes, residents
with valid-checksum ID numbers, categories, teams with members and activities, and 人民调解 cases in every state
(``_cases``: all through the case services, so every rule of a real case holds).

No real person's data: names are drawn from common surnames and given-name characters, ID numbers from a real
county code with random birth dates and sequence numbers (checksum computed). The same seed gives the same data.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from zhzx_desktop.domain.citizen_id import check_digit
from zhzx_desktop.domain.roles import ROLE_LABELS, Role
from zhzx_desktop.security import accounts
from zhzx_desktop.services import case_documents, cases, committee, grids, households, teams
from zhzx_desktop.services import residents as resident_service
from zhzx_desktop.services.cases import (
    AgreementInput,
    FollowUpInput,
    InstallmentInput,
    IntakeInput,
    JudicialInput,
    MediatorInput,
    PartyInput,
    SessionInput,
    TerminationInput,
)
from zhzx_desktop.services.ledger import Ledger

# 攸县, 株洲 (the seed article's city); village codes follow the 12-digit 统计用区划代码 pattern.
COUNTY_CODE = "430223"
TOWN_CODE = "101"
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
             "姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向汤")
_RARE_SURNAMES = ("单", "解", "仇", "区", "查", "朴", "欧阳", "尉迟", "司马", "诸葛")
_GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国志红文斌玉梅海燕鹏飞俊宇浩然子轩欣怡梓涵"
          "雨桐一诺佳琪思远晨曦嘉怡宏伟建华丽萍春生秋菊冬梅国庆卫东小龙晓东新民德胜永福金凤")
_VILLAGE_NAMES = ("枫桥", "石塘", "杨柳", "龙潭", "青山", "白沙", "新塘", "黄丰", "莲塘", "丰和", "大塘", "樟树")
_HOUSEHOLD_SIZES = (1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6, 7)
_CARE = ("G01", "G02", "G09")
_SPECIAL = ("T01", "T02", "T03", "T04", "Q01", "Z01")


@dataclass
class DemoReport:
    villages: int = 0
    grids: int = 0
    households: int = 0
    residents: int = 0
    teams: int = 0
    members: int = 0
    activities: int = 0
    cases: int = 0
    documents: int = 0  # PDFs archived in case files


class _People:
    """Draws names, ID numbers and phones without repeats."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.ids: set[str] = set()
        self.phones: set[str] = set()

    def surname(self) -> str:
        if self.rng.random() < 0.03:
            return self.rng.choice(_RARE_SURNAMES)
        return self.rng.choice(_SURNAMES)

    def given(self) -> str:
        if self.rng.random() < 0.45:
            return self.rng.choice(_GIVEN)
        return self.rng.choice(_GIVEN) + self.rng.choice(_GIVEN)

    def birth(self, age_min: int, age_max: int) -> date:
        age_days = self.rng.randint(age_min * 365 + 1, age_max * 365 + 300)
        return max(date(1905, 1, 1), self.today - timedelta(days=age_days))

    def id_number(self, born: date, sex: str) -> str:
        while True:
            seq = self.rng.randrange(0, 1000)
            if (seq % 2 == 1) != (sex == "1"):
                seq = (seq + 1) % 1000
            body = f"{COUNTY_CODE}{born:%Y%m%d}{seq:03d}"
            number = body + check_digit(body)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = "1" + self.rng.choice("3456789") + "".join(self.rng.choice("0123456789") for _ in range(9))
            if number not in self.phones:
                self.phones.add(number)
                return number


def _household_members(p: _People, size: int) -> list[dict[str, Any]]:
    """One family: a head, maybe a spouse, children, a parent; same surname for the head's children."""
    rng = p.rng
    surname = p.surname()
    head_sex = "1" if rng.random() < 0.8 else "2"
    head_born = p.birth(28, 75)
    out = [{"name": surname + p.given(), "sex": head_sex, "born": head_born, "relation": "02"}]
    if size >= 2:
        out.append({"name": p.surname() + p.given(), "sex": "2" if head_sex == "1" else "1",
                    "born": head_born + timedelta(days=rng.randint(-1500, 1500)), "relation": "10"})
    head_age = (p.today - head_born).days // 365
    for i in range(max(0, size - 2 - (1 if size >= 5 else 0))):
        child_sex = rng.choice("12")
        oldest = max(0, head_age - 20)
        youngest = max(0, head_age - 40)
        born = p.birth(min(youngest, oldest), max(youngest, oldest))
        relation = ("22", "23", "24")[min(i, 2)] if child_sex == "1" else ("32", "33", "34")[min(i, 2)]
        out.append({"name": surname + p.given(), "sex": child_sex, "born": born, "relation": relation})
    if size >= 5:
        out.append({"name": p.surname() + p.given(), "sex": rng.choice("12"),
                    "born": p.birth(min(head_age + 20, 100), min(head_age + 32, 104)), "relation": "50"})
    return out[:size]


DEFAULT_CASES = 60


DEMO_PASSWORD = "Demo@2026"  # the demo database's accounts only; a real database's first run creates its own admin
DEMO_ACCOUNTS = (("admin", "演示管理员", Role.ADMIN), ("zhuren", "演示主任", Role.DIRECTOR),
                 ("luru", "演示录入员", Role.CLERK), ("tiaojie", "演示调解员", Role.MEDIATOR),
                 ("shenji", "演示审计员", Role.AUDITOR))


def demo_accounts(ledger: Ledger) -> list[tuple[str, str]]:
    """One account per role, password ``DEMO_PASSWORD``, when the database has none yet; returns (username, role
    label) of the accounts created."""
    if accounts.accounts_exist(ledger):
        return []
    admin, *others = DEMO_ACCOUNTS
    accounts.create_first_admin(ledger, admin[0], admin[1], DEMO_PASSWORD)
    for username, name, role in others:
        accounts.create_account(ledger, username, name, role, DEMO_PASSWORD, must_change=False)
    return [(username, ROLE_LABELS[role]) for username, _name, role in DEMO_ACCOUNTS]


def populate(ledger: Ledger, *, residents: int, seed: int = 1, cases: int = DEFAULT_CASES,
             progress: Callable[[int, int], None] | None = None) -> DemoReport:
    """Fill ``ledger`` with about ``residents`` synthetic people and everything around them, and ``cases``
    mediation cases of the first village (in every state; 0 = none)."""
    rng = random.Random(seed)
    today = ledger.today()
    people = _People(rng, today)
    report = DemoReport()
    village_count = max(1, residents // 2500)
    per_village = [residents // village_count + (1 if v < residents % village_count else 0)
                   for v in range(village_count)]
    done = 0
    first: tuple[str, list[str], list[str]] | None = None  # the first village: name, adults, its 和事佬 team
    for v, target in enumerate(per_village):
        town_code = f"{int(TOWN_CODE) + v // 150:03d}"
        village_no = 201 + v % 150
        village = _VILLAGE_NAMES[v % len(_VILLAGE_NAMES)] + ("村" if v < len(_VILLAGE_NAMES) else f"{v}村")
        grid_ids = [grids.create(ledger, grids.GridInput(
            name=f"{village}第{g + 1}网格", code=f"{COUNTY_CODE}{town_code}{village_no:03d}{g + 1:03d}")).row_id or ""
            for g in range(max(1, target // 1200))]
        report.villages += 1
        report.grids += len(grid_ids)
        village_residents: list[str] = []
        adults: list[str] = []
        made = 0
        house_no = 0
        while made < target:
            families: list[list[dict[str, Any]]] = []
            house_inputs: list[households.HouseholdInput] = []
            batch_size = 0
            while made < target and batch_size < 5000:
                grid = grid_ids[min(len(grid_ids) - 1, made * len(grid_ids) // target)]
                size = min(rng.choice(_HOUSEHOLD_SIZES), target - made)
                families.append(_household_members(people, size))
                made += size
                batch_size += size
                house_no += 1
                house_inputs.append(households.HouseholdInput(
                    grid_id=grid, household_no=f"{v + 1:04d}{house_no:05d}",
                    address=f"{village}{rng.randint(1, 12)}组{rng.randint(1, 80)}号"))
            house_ids = [c.row_id for c in households.create_many(ledger, house_inputs)]
            report.households += len(house_ids)
            inputs = []
            for family, house_id, house in zip(families, house_ids, house_inputs):
                for member in family:
                    born: date = member["born"]
                    age = (today - born).days // 365
                    cats: tuple[str, ...] = ()
                    roll = rng.random()
                    if roll < 0.004 and age >= 18:
                        cats = (rng.choice(_SPECIAL),)
                    elif roll < 0.04:
                        cats = (("G03",) if age >= 65 else (rng.choice(_CARE),))
                    inputs.append(resident_service.ResidentInput(
                        name=member["name"], id_number=people.id_number(born, member["sex"]),
                        ethnicity="01" if rng.random() < 0.95 else rng.choice(("04", "06", "13", "15")),
                        phone=people.phone() if 16 <= age <= 80 and rng.random() < 0.85 else "",
                        household_id=house_id, relation=member["relation"], address=house.address,
                        residence_type="01" if rng.random() < 0.9 else "02", categories=cats,
                        occupation=rng.choice(("务农", "务工", "个体经营", "教师", "学生", "退休", "")) if age >= 6 else ""))
            for change, data in zip(resident_service.register_many(ledger, inputs), inputs):
                village_residents.append(change.row_id or "")
                if data.phone:
                    adults.append(change.row_id or "")
            report.residents += len(inputs)
            done += len(inputs)
            if progress is not None:
                progress(done, residents)
        with ledger.store.write():  # one commit (one fsync) for the village's many small service calls
            _grid_workers(ledger, rng, grid_ids, adults)
            crews = _teams(ledger, rng, village, grid_ids[0], adults, report)
        if first is None:
            first = (village, adults or village_residents, crews["03"])
    if cases > 0 and first is not None:
        with ledger.store.write():
            _cases(ledger, rng, people, first, cases, report)
    return report



def _name_of(ledger: Ledger, resident_id: str) -> tuple[str, str]:
    name, phone = ledger.store.conn.execute("SELECT name, phone FROM residents WHERE id = ?",
                                            (resident_id,)).fetchone()
    return name, phone


def _grid_workers(ledger: Ledger, rng: random.Random, grid_ids: list[str], adults: list[str]) -> None:
    for grid_id in grid_ids:
        for role in ("01", "02", "03"):
            resident_id = rng.choice(adults)
            name, phone = _name_of(ledger, resident_id)
            grids.add_worker(ledger, grids.GridWorkerInput(grid_id=grid_id, name=name, role=role, phone=phone,
                                                           resident_id=resident_id, since="2024-01-01"))


_TEAMS = (("治安巡防队", "04", "01"), ("平安志愿者服务队", "07", "04"), ("“和事佬”调解队", "03", "06"),
          ("义务消防队", "11", "05"))


def _teams(ledger: Ledger, rng: random.Random, village: str, grid_id: str, adults: list[str],
           report: DemoReport) -> dict[str, list[str]]:
    """The village's teams; returns each team type's members (resident ids)."""
    today = ledger.today()
    crews: dict[str, list[str]] = {}
    for title, team_type, main_kind in _TEAMS:
        crew = rng.sample(adults, min(len(adults), rng.randint(8, 18)))
        crews[team_type] = crew
        leader = crew[0]
        _, phone = _name_of(ledger, leader)
        team_id = teams.create(ledger, teams.TeamInput(name=village + title, team_type=team_type,
                                                       leader_resident_id=leader, contact_phone=phone,
                                                       grid_id=grid_id, founded_on="2021-03-01")).row_id or ""
        report.teams += 1
        for i, resident_id in enumerate(crew):
            teams.add_member(ledger, teams.MemberInput(team_id=team_id, resident_id=resident_id,
                                                       role="队长" if i == 0 else "队员",
                                                       joined_on=today - timedelta(days=rng.randint(30, 1500))))
            report.members += 1
        for week in range(52):
            if rng.random() < 0.6:
                day = today - timedelta(days=7 * week + rng.randint(0, 6))
                kind = main_kind if rng.random() < 0.7 else rng.choice(("02", "03", "04", "05"))
                logged = teams.log_activity(ledger, teams.ActivityInput(
                    team_id=team_id, activity_date=day, kind=kind, place=f"{village}{rng.randint(1, 12)}组",
                    summary="按计划开展", findings=rng.choice(("未发现异常", "发现一处消防隐患，已告知户主整改",
                                                              "排查邻里矛盾一起，已报调委会", "")),
                    participant_ids=rng.sample(crew, min(len(crew), rng.randint(2, 5)))))
                if kind == "03":  # 排查: what it found and prevented (月报 排查发现纠纷数 / 预防纠纷数)
                    _screening_findings(ledger, logged.row_id or "", report.activities)
                report.activities += 1
    return crews


def _screening_findings(ledger: Ledger, activity_id: str, n: int) -> None:
    """A 排查's numbers (from their own generator, so the main stream of the seed is unchanged)."""
    extra = random.Random(f"screening-{n}")
    found = extra.choice((0, 0, 0, 1, 1, 2, 3))
    ledger.store.conn.execute("UPDATE team_activities SET disputes_found = ?, disputes_prevented = ? WHERE id = ?",
                              (found, extra.randint(0, found), activity_id))


def _mark_for_report(ledger: Ledger, case_id: str, n: int, group: bool) -> None:
    """Some cases 防止… (N件M人) and 疑难 (from their own generator, so the main stream of the seed is unchanged)."""
    extra = random.Random(f"case-{n}")
    prevention = (extra.choice(("02", "03")) if group else extra.choice(("01", "04"))) if extra.random() < 0.15 else None
    difficult = 1 if extra.random() < 0.1 else 0
    if prevention is not None or difficult:
        ledger.store.conn.execute("UPDATE cases SET prevention = ?, difficult = ? WHERE id = ?",
                                  (prevention, difficult, case_id))


# --- 人民调解 cases ----------------------------------------------------------------------------------------------

_DISPUTES = ("01", "02", "03", "06", "07", "04", "14", "10")
_SUMMARIES = {"01": "夫妻因家务和子女抚养问题发生争吵", "02": "两户因排水沟堵塞互相指责", "03": "宅基地界址争议",
              "06": "饲养的狗咬伤邻居，医药费赔偿有争议", "07": "承包田边界不清", "04": "房屋装修工程款结算争议",
              "14": "电动车与行人碰撞，赔偿未谈拢", "10": "务工工资被拖欠"}
_FACTS = {"01": "双方因家庭琐事多次争吵，经调解，双方均认识到各自的不足。",
          "02": "被申请人修建院墙时堵塞排水沟，致申请人菜地积水受损，被申请人负主要责任。",
          "03": "双方宅基地相邻，对界址认识不一，经实地勘察，以原有界桩为准。",
          "06": "被申请人饲养的犬只未拴养，咬伤申请人，被申请人应承担医疗费用。",
          "07": "双方承包田相邻，田埂位置有争议，经核对承包合同及四至，界线已明确。",
          "04": "被申请人承接申请人房屋装修，工程已完工，双方对尾款结算有争议。",
          "14": "被申请人驾驶电动车与步行的申请人相撞，致申请人受伤，被申请人负主要责任。",
          "10": "申请人为被申请人务工三个月，被申请人尚欠部分工资未付。"}
_TERMS = {"01": "双方互相尊重，共同承担家务\n子女抚养费用由双方共同负担",
          "02": "被申请人于十日内疏通排水沟并恢复原状\n被申请人赔偿申请人菜地损失",
          "03": "双方以原有界桩为界，各自在界内建设\n被申请人拆除越界部分围墙",
          "06": "被申请人赔偿申请人医疗费、误工费\n被申请人今后拴养犬只",
          "07": "双方按承包合同四至重新确定田埂位置\n各自管理界内农田",
          "04": "申请人向被申请人支付装修尾款\n被申请人对墙面开裂处进行返修",
          "14": "被申请人赔偿申请人医疗费、误工费等各项损失\n双方就此事再无其他纠葛",
          "10": "被申请人向申请人支付拖欠的工资\n双方劳务关系就此结清"}
_REASONS = ("双方分歧较大，经多次调解仍不能达成一致", "被申请人拒绝继续调解", "申请人坚持要求通过诉讼解决",
            "双方对赔偿金额差距悬殊，调解不成")
_AMOUNTS = (None, "500", "1200", "3000", "8000", "12000.50", "26000")
_COMPANIES = ("攸县宏达建筑工程有限公司", "株洲顺安装饰工程有限公司", "攸县丰源农业专业合作社")

# The states the demo produces, in this order (the first six cover every status), repeated.
_SCENARIOS = ("accepted", "mediating", "agreed_installments", "failed", "closed_written", "archived_written",
              "agreed_oral", "accepted_overdue", "mediating_overdue", "agreed_jc_valid", "closed_oral",
              "closed_failed", "agreed_frozen", "agreed_due_soon", "archived_failed", "failed_followed",
              "closed_written", "mediating", "closed_written", "agreed_oral")
# How long ago each scenario's case was accepted (days before today): each has room for its steps.
_AGE = {"accepted": (0, 20), "accepted_overdue": (35, 70), "mediating": (2, 25), "mediating_overdue": (32, 60),
        "agreed_installments": (45, 60), "agreed_jc_valid": (55, 75), "agreed_oral": (5, 30),
        "agreed_frozen": (25, 35), "agreed_due_soon": (30, 40), "failed": (40, 200), "failed_followed": (60, 200),
        "closed_written": (70, 380), "closed_oral": (50, 300), "closed_failed": (45, 360),
        "archived_written": (120, 400), "archived_failed": (100, 400)}


def tiny_png() -> bytes:
    """A valid 1×1 white PNG: the demo's stand-in for a scanned, signed agreement."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
            + chunk(b"IEND", b""))


class _CaseMaker:
    """Runs one case through the services from 受理 to the state its scenario names."""

    def __init__(self, ledger: Ledger, rng: random.Random, people: _People, village: str, pool: list[str],
                 crew: list[str], report: DemoReport) -> None:
        self.ledger = ledger
        self.rng = rng
        self.people = people
        self.village = village
        self.pool = pool
        self.crew = crew
        self.report = report
        self.today = ledger.today()
        self.earlier: list[PartyInput] = []  # the two residents of an earlier case, for a 重复纠纷 between them

    # dates
    def between(self, low: date, high: date) -> date:
        high = min(high, self.today)
        return low if high <= low else low + timedelta(days=self.rng.randint(0, (high - low).days))

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def after(self, day: date, days: int) -> date:
        return day + timedelta(days=days)

    # the case
    def parties(self, dispute: str) -> tuple[list[PartyInput], list[str]]:
        rng = self.rng
        chosen = rng.sample(self.pool, min(len(self.pool), 3 if rng.random() < 0.1 else 2))
        found = [PartyInput(role=role, resident_id=rid)
                 for role, rid in zip(("applicant", "respondent", "third_party"), chosen)]
        names = [_name_of(self.ledger, rid)[0] for rid in chosen]
        while len(found) < 2:  # a village too small for two residents who are not mediators
            name = self.people.surname() + self.people.given()
            found.append(PartyInput(role="respondent" if found else "applicant", party_kind="person", name=name,
                                    sex="1", ethnicity="01", address=f"{self.village}{rng.randint(1, 12)}组"))
            names.append(name)
        if dispute == "04":  # the other side is a company
            company = rng.choice(_COMPANIES)
            found[1:2] = [PartyInput(role="respondent", party_kind="legal_person", name=company,
                                     credit_code="91430223" + "".join(rng.choice("0123456789ABCDEFGH")
                                                                      for _ in range(10)),
                                     legal_rep=f"{self.people.surname()}{self.people.given()}（经理）",
                                     address=f"攸县{self.village}工业园{rng.randint(1, 30)}号")]
            names[1:2] = [company]
        elif dispute == "14" and rng.random() < 0.7:  # an outsider from another village, with an ID number
            sex = rng.choice("12")
            name = self.people.surname() + self.people.given()
            found[1:2] = [PartyInput(role="respondent", party_kind="person", name=name, sex=sex, ethnicity="01",
                                     id_number=self.people.id_number(self.people.birth(20, 60), sex),
                                     phone=self.people.phone(), address=f"攸县网岭镇{rng.randint(1, 9)}组",
                                     occupation="务工")]
            names[1:2] = [name]
        return found, names

    def open(self, accepted: date) -> tuple[str, str, list[str], list[str]]:
        """受理登记; returns (case id, dispute type, party names, mediator names [lead, …, recorder])."""
        rng = self.rng
        dispute = rng.choice(_DISPUTES)
        parties, names = self.parties(dispute)
        team = rng.sample(self.crew, min(len(self.crew), 3))
        roles = ("lead", "recorder") if len(team) < 3 or rng.random() < 0.5 else ("lead", "mediator", "recorder")
        mediators = [MediatorInput(resident_id=rid, role=role) for rid, role in zip(team, roles)]
        group = rng.random() < 0.08
        people = rng.randint(6, 30) if group else len(parties)
        # Every 研判 kind shows up in a demo village (drawn from the same numbers, so each seed's data stays put
        # otherwise): each 25 cases, the 4th's two residents are at odds again in the 8th, and the 12th is 重大.
        number = self.report.cases + 1
        residents_only = [p for p in parties[:2] if p.resident_id]
        if number % 25 == 4 and len(residents_only) == 2:
            self.earlier = residents_only
        elif number % 25 == 8 and self.earlier:
            again = [PartyInput(role="applicant", resident_id=self.earlier[1].resident_id),
                     PartyInput(role="respondent", resident_id=self.earlier[0].resident_id)]
            parties, names = again, [_name_of(self.ledger, p.resident_id or "")[0] for p in again]
            self.earlier = []
        elif number % 25 == 12:
            group, people = True, 60
        data = IntakeInput(
            accepted_on=accepted, source=rng.choice(("01", "01", "01", "02", "02", "33", "31")),
            dispute_type=dispute, summary=f"{_SUMMARIES[dispute]}，{names[0]}申请调解。", parties=parties,
            mediators=mediators, event_scale=("03" if people >= 50 else "02") if group else "01",
            people_involved=people,
            amount=rng.choice(_AMOUNTS), occurred_on=accepted - timedelta(days=rng.randint(0, 20)),
            place=f"{self.village}{rng.randint(1, 12)}组")
        case_id = cases.open_case(self.ledger, data).row_id or ""
        self.report.cases += 1
        _mark_for_report(self.ledger, case_id, self.report.cases, group)
        return case_id, dispute, names, [_name_of(self.ledger, m.resident_id)[0] for m in mediators]

    def sessions(self, case_id: str, names: list[str], team: list[str], first: date, last: date, count: int,
                 *, investigation: bool = False) -> date:
        """``count`` mediation sessions between ``first`` and ``last`` (an investigation before them if asked);
        returns the last session's day."""
        rng = self.rng
        days = sorted(self.between(first, last) for _ in range(count + (1 if investigation else 0)))
        for i, day in enumerate(days):
            kind = "investigation" if investigation and i == 0 else "mediation"
            final = i == len(days) - 1
            cases.add_session(self.ledger, case_id, SessionInput(
                kind=kind, held_on=day, held_time=f"{rng.choice((9, 10, 14, 15))}:{rng.choice(('00', '30'))}",
                place=rng.choice(("村委会调解室", "村综治中心", f"{names[0]}家中")),
                parties_present="、".join(names) if kind == "mediation" else names[0],
                statements=f"{names[0]}陈述了纠纷经过及诉求；{names[1]}对部分事实有异议，说明了自己的理由。",
                result=("" if kind == "investigation" else
                        "双方同意继续协商" if not final else "双方初步达成一致意见"),
                recorder=team[-1]))
        return days[-1]

    def agreement(self, case_id: str, dispute: str, names: list[str], effective: date, *, written: bool = True,
                  installments: Sequence[tuple[date, int]] = (), deadline: date | None = None,
                  amount: int | None = None) -> str:
        plan = [InstallmentInput(due_on=due, amount=fen, payer=names[1], payee=names[0]) for due, fen in installments]
        total = sum(fen for _, fen in installments) if installments else amount
        data = AgreementInput(
            form="01" if written else "02", facts=_FACTS[dispute] if written else "", terms=_TERMS[dispute],
            performance_method=(f"分{'一两三四五六七八九'[len(plan) - 1]}期以现金或转账支付" if 1 < len(plan) < 10 else
                                "一次性以现金或转账支付" if total else "按协议约定自行履行"),
            effective_on=effective, performance_deadline=deadline or (max(d for d, _ in installments)
                                                                      if installments else None),
            performance_place="村委会调解室" if written else "", amount=total, installments=plan)
        return cases.record_agreement(self.ledger, case_id, data).row_id or ""

    def pay(self, case_id: str, agreement_id: str, paid: dict[int, date]) -> None:
        """Mark installments paid: index in due order → day paid."""
        agreement = next(a for a in cases.get_case(self.ledger, case_id).agreements if a.id == agreement_id)
        for index, day in paid.items():
            cases.set_installment_paid(self.ledger, agreement.installments[index].id, day)

    def follow_up(self, case_id: str, names: list[str], team: list[str], done: date, *, success: bool) -> None:
        """Record the planned 回访 as done on ``done`` (or a new one when none was planned)."""
        rng = self.rng
        data = FollowUpInput(done_on=done, form=rng.choice(("01", "01", "02", "03")), party=names[0],
                             performance=("01" if success else None), satisfaction=rng.choice(("01", "01", "02")),
                             visitor=team[0], notes=rng.choice(("双方关系已缓和，未发现遗留问题", "协议已履行完毕，当事人表示满意",
                                                                 "已提醒当事人注意邻里和睦")))
        planned = [f for f in cases.get_case(self.ledger, case_id).follow_ups if f.done_on is None]
        if planned:
            data.due_on = planned[0].due_on
            cases.update_follow_up(self.ledger, planned[0].id, data)
        else:
            cases.add_follow_up(self.ledger, case_id, data)

    def terminate(self, case_id: str) -> None:
        rng = self.rng
        channels = [c for c in cases.CHANNELS if rng.random() < 0.5] or [cases.CHANNELS[-1]]
        cases.terminate(self.ledger, case_id, TerminationInput(reason=rng.choice(_REASONS), channels_told=channels))

    def file(self, case_id: str, *doc_types: str) -> None:
        """Print and archive PDFs, and register the paper items every file needs (告知书, 身份证明)."""
        for doc_type in doc_types:
            pdf = case_documents.render(self.ledger, case_id, doc_type)
            if case_documents.archive(self.ledger, case_id, doc_type, pdf).new:
                self.report.documents += 1
        filed = {d.item for d in cases.get_case(self.ledger, case_id).documents}
        for item, pages in (("02", 1), ("03", 2)):
            if item not in filed:
                case_documents.file_paper(self.ledger, case_id, item, pages, "签字原件")

    def money(self) -> int:
        return self.rng.choice((800, 1500, 3000, 6000, 12000, 20000)) * 100

    # scenarios
    def run(self, scenario: str, accepted: date) -> None:
        rng = self.rng
        case_id, dispute, names, team = self.open(accepted)
        today = self.today
        if scenario.startswith("accepted"):  # a fresh case has no record yet; an overdue one was investigated
            if scenario == "accepted_overdue":
                self.sessions(case_id, names, team, accepted, self.after(accepted, 10), 0, investigation=True)
            return
        if scenario.startswith("mediating"):
            self.sessions(case_id, names, team, accepted, today, rng.randint(1, 2), investigation=rng.random() < 0.3)
            return
        if scenario == "agreed_installments":
            effective = self.after(accepted, rng.randint(2, 5))
            self.sessions(case_id, names, team, accepted, effective, rng.randint(1, 2))
            part = self.money() // 2
            plan = [(self.after(effective, 10), part), (self.ago(5), part), (self.after(today, 4), part),
                    (self.after(today, 35), part)]
            agreement_id = self.agreement(case_id, dispute, names, effective, installments=plan)
            self.pay(case_id, agreement_id, {0: self.after(effective, 10)})
            cases.set_judicial(self.ledger, agreement_id, JudicialInput(
                applied_on=self.after(effective, rng.randint(3, 20)), court="攸县人民法院"))
        elif scenario == "agreed_jc_valid":
            effective = self.after(accepted, rng.randint(2, 5))
            self.sessions(case_id, names, team, accepted, effective, 1)
            due = self.after(effective, 20)
            agreement_id = self.agreement(case_id, dispute, names, effective, installments=[(due, self.money())])
            paid = self.after(effective, rng.randint(15, 20))
            self.pay(case_id, agreement_id, {0: paid})
            cases.set_performed(self.ledger, agreement_id, paid)
            cases.set_judicial(self.ledger, agreement_id, JudicialInput(
                applied_on=self.after(effective, 5), court="攸县人民法院", result="valid",
                result_on=self.after(effective, 25)))
            self.follow_up(case_id, names, team, self.after(effective, 26), success=True)
        elif scenario == "agreed_oral":
            effective = self.between(self.after(accepted, 1), self.after(accepted, 4))
            self.sessions(case_id, names, team, accepted, effective, 1)
            self.agreement(case_id, dispute, names, effective, written=False,
                           deadline=self.after(today, rng.randint(5, 40)),
                           amount=rng.choice((None, 50000, 120000)))
        elif scenario == "agreed_frozen":
            effective = self.after(accepted, rng.randint(1, 4))
            self.sessions(case_id, names, team, accepted, effective, 1)
            amount = self.money()
            agreement_id = self.agreement(case_id, dispute, names, effective,
                                          installments=[(self.after(today, 10), amount)])
            case_documents.attach_scan(self.ledger, agreement_id, tiny_png(), "image/png")
            cases.add_supplement(self.ledger, agreement_id, AgreementInput(
                form="01", facts="原协议约定一次性支付，因被申请人经济困难，经双方同意改为分两期支付。",
                terms="原协议第二条改为：被申请人分两期支付赔偿款\n原协议其他条款不变",
                performance_method="分两期以转账支付", effective_on=self.ago(rng.randint(1, 5)),
                performance_deadline=self.after(today, 40), amount=amount,
                installments=[InstallmentInput(due_on=self.after(today, 10), amount=amount // 2, payer=names[1],
                                               payee=names[0]),
                              InstallmentInput(due_on=self.after(today, 40), amount=amount - amount // 2,
                                               payer=names[1], payee=names[0])]))
        elif scenario == "agreed_due_soon":
            effective = self.ago(27)  # the 30-day 司法确认 window closes in three days
            self.sessions(case_id, names, team, accepted, effective, 1)
            part = self.money() // 2
            self.agreement(case_id, dispute, names, effective,
                           installments=[(self.after(today, 2), part), (self.after(today, 30), part)])
        elif scenario.startswith("failed"):
            last = self.sessions(case_id, names, team, accepted, self.after(accepted, 20), rng.randint(1, 2))
            self.terminate(case_id)
            if scenario == "failed_followed":
                self.follow_up(case_id, names, team, self.between(self.after(last, 5), self.after(last, 20)),
                               success=False)
            else:
                cases.add_follow_up(self.ledger, case_id, FollowUpInput(due_on=self.after(today, rng.randint(1, 6))))
        elif scenario in ("closed_failed", "archived_failed"):
            last = self.sessions(case_id, names, team, accepted, self.after(accepted, 20), rng.randint(1, 2),
                                 investigation=True)
            self.terminate(case_id)
            self.file(case_id, "intake", "record")
            self.close(case_id, self.after(last, rng.randint(1, 5)), archive=scenario == "archived_failed")
        else:  # closed_written, closed_oral, archived_written
            written = scenario != "closed_oral"
            effective = self.after(accepted, rng.randint(2, 6))
            self.sessions(case_id, names, team, accepted, effective, rng.randint(1, 2), investigation=rng.random() < 0.5)
            if written:
                amount = self.money()
                plan = ([(self.after(effective, 15), amount)] if rng.random() < 0.5 else
                        [(self.after(effective, 15), amount // 2), (self.after(effective, 30), amount - amount // 2)])
                agreement_id = self.agreement(case_id, dispute, names, effective, installments=plan)
                self.pay(case_id, agreement_id, {i: due for i, (due, _) in enumerate(plan)})
                performed = plan[-1][0]
            else:
                performed = self.after(effective, 7)
                agreement_id = self.agreement(case_id, dispute, names, effective, written=False, deadline=performed)
            cases.set_performed(self.ledger, agreement_id, performed)
            visited = self.after(performed, rng.randint(2, 6))
            self.follow_up(case_id, names, team, visited, success=True)
            archiving = scenario == "archived_written"
            self.file(case_id, "intake", "record", "agreement" if written else "oral",
                      *(("followup",) if archiving else ()))
            self.close(case_id, self.after(visited, rng.randint(1, 5)), archive=archiving)

    def close(self, case_id: str, closed: date, *, archive: bool) -> None:
        cases.close_case(self.ledger, case_id, closed)
        if archive:
            self.file(case_id, "cover")
            cases.archive_case(self.ledger, case_id, self.between(closed, self.after(closed, 10)))


def _cases(ledger: Ledger, rng: random.Random, people: _People, first: tuple[str, list[str], list[str]],
           count: int, report: DemoReport) -> None:
    """``count`` cases of the first village's 调委会, in every state, accepted in the past year, numbered in order
    of acceptance."""
    village, adults, crew = first
    if not crew:
        return
    committee.save(ledger, committee.CommitteeSettings(name=f"{village}人民调解委员会", prefix=village))
    crew_set = set(crew)
    pool = [r for r in adults if r not in crew_set]
    today = ledger.today()
    plan = []
    for n in range(count):
        scenario = _SCENARIOS[n % len(_SCENARIOS)]
        low, high = _AGE[scenario]
        plan.append((today - timedelta(days=rng.randint(low, high)), n, scenario))
    maker = _CaseMaker(ledger, rng, people, village, pool, crew, report)
    for accepted, _, scenario in sorted(plan):
        maker.run(scenario, accepted)
