"""Every kind of page the demo site has, in Chromium at phone and desktop width: it loads without a script
error, nothing makes the page scroll sideways (once the theme's transitions end), and a screenshot of it goes
to docs/screenshots/kind-<name>-<width>.png so the site can be reviewed without building it."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

import pytest

from .conftest import DESKTOP, PHONE

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = [pytest.param(PHONE, id="375"), pytest.param(DESKTOP, id="1280")]
SETTLE = "() => Promise.all(document.getAnimations().map(a => a.finished)).then(() => document.fonts.ready)"
GENERATED = {"home": "", "capa-board": "capa/board/", "actions": "actions/", "matrix": "reports/matrix/",
             "kpi": "kpi/", "complaint-board": "complaints/board/", "nc-board": "nc/board/",
             "survey-trend": "surveys/trend/", "memo-board": "memos/board/", "contact-log": "external/log/",
             "customers": "customers/", "objectives": "objectives/", "register": "register/",
             "retention": "retention/", "effectiveness": "effectiveness/", "escalation": "escalation/",
             "exports": "exports/", "form": "new/capa/", "person": "people/liuhong/", "department": "departments/QA/"}


def kinds(site_dir: Path) -> dict[str, str]:
    """Page kind -> path: the generated pages, each type's index, and one record page of each type."""
    records = json.loads((site_dir / "records.json").read_text("utf-8"))
    out = dict(GENERATED)
    for r in sorted(records, key=lambda r: r["id"]):
        index = r["url"].split("/")[0] + "/"
        out.setdefault(f"index-{r['type']}", index)
        out.setdefault(f"record-{r['type']}", r["url"])
    return out


def test_the_demo_has_every_kind_of_page(site_dir):
    found = kinds(site_dir)
    for rtype in ("meeting", "notice", "capa", "report", "complaint", "nc", "survey", "memo", "contact"):
        assert f"record-{rtype}" in found and f"index-{rtype}" in found, rtype
    for path in found.values():
        assert (site_dir / path / "index.html").is_file(), path


@pytest.mark.parametrize("viewport", WIDTHS)
def test_every_kind_of_page_loads_and_fits_the_screen(page, site, site_dir, viewport):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in kinds(site_dir).items():
        page.goto(urljoin(site, path))
        page.wait_for_load_state("load")
        page.evaluate(SETTLE)
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"{name} ({path}) scrolls sideways at {viewport[0]} px: {width}"
        page.mouse.wheel(400, 0)
        assert page.evaluate("window.scrollX") == 0, f"{name} ({path}) moves sideways at {viewport[0]} px"
        assert page.locator("article h1").count() >= 1 or name == "home", f"{name} ({path}) has no heading"
        page.screenshot(path=str(SCREENSHOTS / f"kind-{name}-{viewport[0]}.png"))
    assert errors == []
