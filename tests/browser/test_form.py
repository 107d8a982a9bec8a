"""The new-record form in Chromium (issue 13 item 6): a secretary fills new/capa/ and new/meeting/ at phone and
desktop width, the text the page makes is written where the page says, and the real `bulletin validate`
accepts it; the GitHub button carries the same path and text. Screenshots of the filled form for reviewers."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from conftest import DEMO_TODAY, bulletin, copy_demo, git

from .conftest import DESKTOP, PHONE

PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT / "docs" / "screenshots"
HOST = "https://github.com/hengrui/records"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The demo with site.yml `repository:` (GitHub), built: (repository, site folder)."""
    base = tmp_path_factory.mktemp("form")
    repo = copy_demo(base / "repo")
    site_yml = repo / "site_config" / "site.yml"
    site_yml.write_text(site_yml.read_text("utf-8") + f"repository:\n  host: github\n  url: {HOST}\n  branch: main\n",
                        "utf-8")
    git("commit", "-qam", "the Git host", cwd=repo)
    r = bulletin("build", "--out", str(base / "site"), "--today", DEMO_TODAY, cwd=repo)
    assert r.returncode == 0, r.stdout + r.stderr
    return repo, base / "site"


def pick(page, field: str, value: str) -> None:
    page.select_option(f'#bl-form-fields > [data-field="{field}"] select', value)


def fill(page, field: str, value: str) -> None:
    page.fill(f'#bl-form-fields > [data-field="{field}"] input', value)


def check(page, field: str, *values: str) -> None:
    for v in values:
        page.check(f'#bl-form-fields > [data-field="{field}"] input[value="{v}"]')


def fill_capa(page) -> None:
    fill(page, "title", "量具校准逾期 Gauge calibration overdue")
    pick(page, "department", "QA")
    pick(page, "source", "internal-audit")
    fill(page, "source_ref", "IA-2026-Q4 第3项")      # shown once the source asks for it
    fill(page, "due", "2026-12-20")
    pick(page, "owner", "liuhong")
    check(page, "team", "liuhong", "chenjing")
    fill(page, "quantity", "120")
    fill(page, "part_number", "BRK-2231")


def fill_meeting(page) -> None:
    fill(page, "title", "品管部周例会 QA weekly")
    pick(page, "department", "QA")
    pick(page, "kind", "department")
    fill(page, "date", "2026-11-23")
    pick(page, "chair", "liuhong")
    pick(page, "recorder", "chenjing")
    check(page, "attendees", "liuhong", "chenjing", "zhaolei")
    pick(page, "status", "approved")
    pick(page, "approved_by", "liuhong")           # shown once the status is approved
    fill(page, "approved_on", "2026-11-24")
    page.click('[data-field="actions"] .bl-form-add')
    row = page.locator('[data-field="actions"] .bl-form-row').first
    row.locator('[data-field="text"] input').fill("更新量具台账，含\"引号\"与 #号: 冒号")
    row.locator('[data-field="owner"] select').select_option("chenjing")
    row.locator('[data-field="due"] input').fill("2026-12-05")


FORMS = {"capa": fill_capa, "meeting": fill_meeting}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
@pytest.mark.parametrize("rtype", sorted(FORMS))
def test_a_filled_form_makes_a_record_that_validate_accepts(open_page, serve, built, tmp_path, rtype, viewport):
    repo, site = built
    page, _ = open_page(*viewport)
    page.goto(urljoin(serve(site), f"new/{rtype}/"))
    missing = page.locator("#bl-form-missing")
    assert missing.is_visible()                     # an empty form says which required fields are still empty
    FORMS[rtype](page)
    assert missing.is_hidden()
    path = page.text_content("#bl-form-path")
    text = page.text_content("#bl-form-text")
    assert path.startswith(f"records/{'capa' if rtype == 'capa' else 'meetings'}/2026/")
    assert path.endswith(".md") and ("gauge-calibration-overdue" in path or "qa-weekly" in path)
    copy = tmp_path / "repo"
    shutil.copytree(repo, copy)
    (copy / path).write_text(text, "utf-8")
    r = bulletin("validate", "--today", DEMO_TODAY, cwd=copy)
    assert r.returncode == 0, f"{path}:\n{text}\n{r.stdout}{r.stderr}"
    # the GitHub button opens its editor with this file filled in: the folder, the name and the text
    href = page.get_attribute("#bl-form-host", "href")
    url = urlsplit(href)
    folder, name = path.rsplit("/", 1)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{HOST}/new/main/{folder}"
    query = parse_qs(url.query)
    assert query == {"filename": [name], "value": [text]}
    if rtype == "capa":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")     # the theme's header sits at the top, not mid-page
        page.evaluate("document.fonts.ready")
        out = SCREENSHOTS / f"form-{viewport[0]}.png"
        page.screenshot(path=str(out), full_page=True, animations="disabled")
        assert out.stat().st_size > 10_000


def test_conditional_fields_appear_when_their_condition_holds(open_page, serve, built):
    _, site = built
    page, _ = open_page(*DESKTOP)
    page.goto(urljoin(serve(site), "new/capa/"))
    containment = page.locator('#bl-form-fields > [data-field="containment"]')
    assert containment.is_hidden()
    pick(page, "status", "analysis")
    assert containment.is_visible()
    assert "containment" in page.text_content("#bl-form-missing") or "遏制措施" in page.text_content("#bl-form-missing")
    pick(page, "status", "open")
    fill(page, "title", "x")
    assert containment.is_hidden() and "containment" not in page.text_content("#bl-form-text")


def test_a_record_page_links_to_the_hosts_editor(open_page, serve, built):
    _, site = built
    page, _ = open_page(*PHONE)
    page.goto(urljoin(serve(site), "capa/2026/CAPA-2026-001-thread-undersize/"))
    link = page.locator("#bl-edit-record")
    assert link.is_visible() and "编辑此记录" in link.inner_text()
    assert link.get_attribute("href") == f"{HOST}/edit/main/records/capa/2026/CAPA-2026-001-thread-undersize.md"
