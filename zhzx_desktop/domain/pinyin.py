"""Pinyin readings of personal names, for search ("zhangsan", "zs").

A name's first reading reads the surname as a surname — 单 shan, 曾 zeng, 尉迟 yu chi — from the data file
``resources/pinyin_surnames.json`` (compound surnames first, longest first), and the given name with pypinyin's
default (phrase-aware) reading. Further readings swap in other readings (heteronyms) of given-name characters, so
a clerk who types either reading of 乐 in 张乐 finds the person. Syllables are lowercase without tones, ü as ``v``.

Results are cached per name: the demo builds a million residents and names repeat a lot.
"""

from __future__ import annotations

import functools
import json
import sys
import unicodedata
from typing import Any, Final

from zhzx_desktop import paths
from zhzx_desktop.domain.validation import is_cjk_char
from zhzx_desktop.errors import KnownError

__all__ = ["initials", "name_readings", "split_surname", "surname_table"]

_DATA_FILE: Final = "pinyin_surnames.json"
_CACHE_SIZE: Final = 1 << 16

Reading = tuple[str, ...]


@functools.cache
def _pypinyin() -> Any:
    """pypinyin, imported on first use: loading its dictionaries takes ~0.2 s, which start-up need not wait for
    (reading and searching the register needs no pinyin; writing a name does)."""
    import pypinyin

    return pypinyin


@functools.cache
def surname_table() -> dict[str, Reading]:
    """Surname → its syllables, from ``resources/pinyin_surnames.json`` (read once)."""
    path = paths.resource_dir() / _DATA_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KnownError(f"缺少姓氏读音文件 {path.name}（{path.parent}），请重新安装本程序。") from None
    except (OSError, ValueError) as exc:
        raise KnownError(f"姓氏读音文件 {path.name} 无法读取或已损坏：{exc}") from None
    surnames = data.get("surnames") if isinstance(data, dict) else None
    if not isinstance(surnames, dict) or not surnames:
        raise KnownError(f"姓氏读音文件 {path.name} 已损坏（缺少 surnames），请重新安装本程序。")
    table: dict[str, Reading] = {}
    for surname, spoken in surnames.items():
        syllables = tuple(sys.intern(s) for s in str(spoken).split()) if isinstance(spoken, str) else ()
        if not isinstance(surname, str) or not surname or len(syllables) != len(surname):
            raise KnownError(f"姓氏读音文件 {path.name} 中“{surname}”的读音不正确，请重新安装本程序。")
        table[surname] = syllables
    return table


@functools.cache
def _longest_surname() -> int:
    return max(len(surname) for surname in surname_table())


def split_surname(name: str) -> tuple[str, str]:
    """(surname, given name): a compound surname from the data file (longest first), else the first character.

    A name that does not start with a Chinese character has no surname here: ``("", name)``.
    """
    text = name.strip()
    if not text or not is_cjk_char(text[0]):
        return "", text
    table = surname_table()
    for size in range(min(_longest_surname(), len(text) - 1), 1, -1):
        if text[:size] in table:
            return text[:size], text[size:]
    return text[0], text[1:]


def _syllable(text: str) -> str:
    return sys.intern(text.lower())


@functools.lru_cache(maxsize=8192)
def _char_readings(char: str) -> Reading:
    """All toneless readings of one character: pypinyin's default first, then its heteronyms (deduplicated)."""
    options = _pypinyin().pinyin(char, style=_pypinyin().Style.NORMAL, heteronym=True, errors="default", v_to_u=False)
    seen: list[str] = []
    for reading in options[0] if options else ():
        syllable = _syllable(reading)
        if syllable and syllable not in seen:
            seen.append(syllable)
    return tuple(seen) if seen else (char,)


def _tokens(text: str) -> list[tuple[bool, str]]:
    """Runs of (is_cjk, text): CJK runs and Latin words; separators (·, spaces, digits, punctuation) dropped."""
    runs: list[tuple[bool, str]] = []
    current: list[str] = []
    current_cjk = False
    for char in text:
        if is_cjk_char(char):
            kind: bool | None = True
        elif char.isalpha():
            kind = False
        else:
            kind = None
        if kind is None or (current and kind != current_cjk):
            if current:
                runs.append((current_cjk, "".join(current)))
                current = []
        if kind is not None:
            current.append(char)
            current_cjk = kind
    if current:
        runs.append((current_cjk, "".join(current)))
    return runs


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _run_readings(run: str) -> tuple[tuple[str, Reading], ...]:
    """Per character of a CJK run (a given name): the preferred syllable in context, and its other readings.
    Cached apart from whole names: given names repeat far more often than full names do."""
    default = _pypinyin().lazy_pinyin(run, style=_pypinyin().Style.NORMAL, errors="default", v_to_u=False)
    if len(default) != len(run):  # defensive: pypinyin returns one item per character for CJK runs
        default = [_char_readings(c)[0] for c in run]
    out = []
    for char, reading in zip(run, default):
        syllable = _syllable(reading)
        out.append((syllable, tuple(r for r in _char_readings(char) if r != syllable)))
    return tuple(out)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def name_readings(name: str, limit: int = 4) -> tuple[Reading, ...]:
    """Up to ``limit`` readings of ``name``, the preferred one first; each a tuple of toneless syllables.

    One syllable per Chinese character (a character pypinyin cannot read stands for itself), one per Latin word
    (lowercased); the middle dot, spaces and punctuation are dropped. Other readings replace one given-name
    character at a time with its other readings, left to right. Deterministic, without duplicates.
    """
    if limit < 1:
        return ()
    text = unicodedata.normalize("NFKC", name).strip()
    surname, given = split_surname(text)
    preferred: list[str] = []
    options: list[Reading] = []  # per given-name syllable: alternatives other than the preferred one
    if surname:
        spoken = surname_table().get(surname)
        if spoken is None:
            spoken = (_char_readings(surname)[0],) if len(surname) == 1 else tuple(
                _syllable(s) for s in _pypinyin().lazy_pinyin(surname, style=_pypinyin().Style.NORMAL, v_to_u=False)
            )
        preferred.extend(spoken)
        options.extend(() for _ in spoken)
    for is_cjk, run in _tokens(given):
        if not is_cjk:
            preferred.append(_syllable(run))
            options.append(())
            continue
        for syllable, alternatives in _run_readings(run):
            preferred.append(syllable)
            options.append(alternatives)
    if not preferred:
        return ()
    first = tuple(preferred)
    readings: list[Reading] = [first]
    for position, alternatives in enumerate(options):
        for alternative in alternatives:
            if len(readings) >= limit:
                return tuple(readings)
            variant = first[:position] + (alternative,) + first[position + 1:]
            if variant not in readings:
                readings.append(variant)
    return tuple(readings[:limit])


def initials(reading: Reading) -> str:
    """The first letter of each syllable: ("zhang", "san") → "zs" (zh/ch/sh count as z/c/s)."""
    return "".join(syllable[0] for syllable in reading if syllable)
