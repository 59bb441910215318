"""Synthetic but plausible demo data: villages, grids with grid workers, households of realistic sizes, residents
with valid-checksum ID numbers, categories, teams with members and activities, some mediation cases.

No real person's data: names are drawn from common surnames and given-name characters, ID numbers from a real
county code with random birth dates and sequence numbers (checksum computed). The same seed gives the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from zhzx_desktop.domain.citizen_id import check_digit
from zhzx_desktop.services import grids, households, teams
from zhzx_desktop.services import residents as resident_service
from zhzx_desktop.services.ledger import Ledger
from zhzx_desktop.storage import rows

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


def populate(ledger: Ledger, *, residents: int, seed: int = 1,
             progress: Callable[[int, int], None] | None = None) -> DemoReport:
    """Fill ``ledger`` with about ``residents`` synthetic people and everything around them."""
    rng = random.Random(seed)
    today = ledger.today()
    people = _People(rng, today)
    report = DemoReport()
    village_count = max(1, residents // 2500)
    per_village = [residents // village_count + (1 if v < residents % village_count else 0)
                   for v in range(village_count)]
    done = 0
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
            _teams(ledger, rng, village, grid_ids[0], adults, report)
            _cases(ledger, rng, village, village_residents, report)
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
           report: DemoReport) -> None:
    today = ledger.today()
    for title, team_type, main_kind in _TEAMS:
        crew = rng.sample(adults, min(len(adults), rng.randint(8, 18)))
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
                teams.log_activity(ledger, teams.ActivityInput(
                    team_id=team_id, activity_date=day, kind=kind, place=f"{village}{rng.randint(1, 12)}组",
                    summary="按计划开展", findings=rng.choice(("未发现异常", "发现一处消防隐患，已告知户主整改",
                                                              "排查邻里矛盾一起，已报调委会", "")),
                    participant_ids=rng.sample(crew, min(len(crew), rng.randint(2, 5)))))
                report.activities += 1


_DISPUTES = ("01", "02", "03", "06", "07", "04", "14", "10")
_SUMMARIES = {"01": "夫妻因家务和子女抚养问题发生争吵", "02": "两户因排水沟堵塞互相指责", "03": "宅基地界址争议",
              "06": "饲养的狗咬伤邻居，医药费赔偿有争议", "07": "承包田边界不清", "04": "房屋装修工程款结算争议",
              "14": "电动车与行人碰撞，赔偿未谈拢", "10": "务工工资被拖欠"}


def _cases(ledger: Ledger, rng: random.Random, village: str, people: list[str],
           report: DemoReport) -> None:
    today = ledger.today()
    cases, parties = [], []
    for n in range(max(2, len(people) // 200)):
        dispute = rng.choice(_DISPUTES)
        accepted = today - timedelta(days=rng.randint(0, 360))
        done = (today - accepted).days > 30 or rng.random() < 0.5
        success = done and rng.random() < 0.9
        case_id = rows.new_id()
        cases.append({
            "id": case_id, "case_no": f"（{accepted.year}）{village}人调字第{n + 1:03d}号", "case_year": accepted.year,
            "case_seq": n + 1, "status": ("closed" if done else "mediating"), "source": rng.choice(("01", "02", "33")),
            "dispute_type": dispute, "event_scale": "01", "people_involved": 2,
            "amount_fen": rng.choice((None, 50000, 120000, 800000)), "summary": _SUMMARIES[dispute],
            "accepted_on": accepted.isoformat(), "deadline_on": (accepted + timedelta(days=30)).isoformat(),
            "result": ("success" if success else "failure") if done else None,
            "agreement_form": ("02" if rng.random() < 0.3 else "01") if success else None,
            "closed_on": (accepted + timedelta(days=rng.randint(3, 28))).isoformat() if done else None,
            "created_at": rows.now_utc()})
        for role, resident_id in zip(("applicant", "respondent"), rng.sample(people, 2)):
            name, phone = _name_of(ledger, resident_id)
            parties.append({"id": rows.new_id(), "case_id": case_id, "role": role, "resident_id": resident_id,
                            "name": name, "phone": phone})
    with ledger.store.write() as conn:
        rows.insert(conn, "cases", cases)
        rows.insert(conn, "case_parties", parties)
    report.cases += len(cases)
