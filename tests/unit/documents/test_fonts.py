"""Font discovery: the configured path first, then system fonts; parsed and registered once per process."""

from __future__ import annotations

from pathlib import Path

from zhzx_desktop.documents.fonts import CANDIDATES, find_cjk_font, missing_glyphs


def test_a_system_font_is_found_and_cached() -> None:
    font = find_cjk_font()
    assert font.path in {p.resolve() for p in CANDIDATES}
    assert font.family
    assert find_cjk_font() is font
    assert missing_glyphs(font, "人民调解协议书 壹万贰仟元整") == []


def test_configured_font_comes_first(tmp_path: Path) -> None:
    default = find_cjk_font()
    assert find_cjk_font(default.path) is default


def test_unusable_configured_font_falls_back(tmp_path: Path) -> None:
    junk = tmp_path / "broken.ttf"
    junk.write_bytes(b"not a font at all" * 100)
    default = find_cjk_font()
    assert find_cjk_font(junk) is default
    assert find_cjk_font(tmp_path / "absent.ttf") is default


def test_missing_glyphs_lists_each_character_once() -> None:
    font = find_cjk_font()
    rare = [ch for ch in "𠮷𪚥" if not font.has(ch)]
    assert missing_glyphs(font, "韩" + "".join(rare) * 3) == sorted(rare)


def test_a_configured_font_is_used_for_rendering() -> None:
    import pytest

    from tests.unit.documents import samples
    from tests.unit.documents.pdftext import fonts
    from zhzx_desktop.documents.render import render

    default = find_cjk_font()
    other = next((p for p in CANDIDATES if p.is_file() and p.resolve() != default.path), None)
    if other is None:
        pytest.skip("only one CJK font installed")
    chosen = find_cjk_font(other)
    assert chosen.path == other.resolve() and chosen.name != default.name
    names = {str(f["/BaseFont"]).split("+", 1)[1] for f in fonts(render(samples.agreement(),
                                                                                  font_path=other))}
    default_names = {str(f["/BaseFont"]).split("+", 1)[1] for f in fonts(render(samples.agreement()))}
    assert names and names.isdisjoint(default_names)
