"""A new record without YAML (issue 13 item 6): a form page per type, the Git host's editor links, and the
form's data safe inside the page. The site model is the real one (load_repository + pages.build_site over a
copy of the demo); the hostile registry goes through the real `bulletin build`."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from bs4 import BeautifulSoup

from conftest import DEMO_TODAY, bulletin, copy_demo, git
from generator import pages
from generator.config import load_config
from generator.new import next_id
from generator.validate import load_repository

TODAY = dt.date.fromisoformat(DEMO_TODAY)
HOSTS = {
    "github": ("https://github.com/hengrui/records", "https://github.com/hengrui/records/edit/main/{path}",
               "https://github.com/hengrui/records/new/main/{dir}", "filename", "value"),
    "gitlab": ("https://gitlab.example.com/qa/records", "https://gitlab.example.com/qa/records/-/edit/main/{path}",
               "https://gitlab.example.com/qa/records/-/new/main/{dir}", "file_name", None),
    "gitea": ("https://git.example.com/qa/records", "https://git.example.com/qa/records/_edit/main/{path}",
              "https://git.example.com/qa/records/_new/main/{dir}", "filename", "value"),
}


def site_of(repo, audience="all-staff"):
    result = load_repository(repo, load_config(repo))
    assert not result.errors
    site = pages.build_site(result.records, result.config, audience=audience, today=TODAY)
    pages.generate(site)
    return result, site


def form_of(site, rtype) -> dict:
    soup = BeautifulSoup(site.html_pages[f"new/{rtype}.md"][1], "html.parser")
    return json.loads(soup.find(id="bl-form")["data-form"])


def with_repository(repo, host: str, url: str, branch: str = "main"):
    site_yml = repo / "site_config" / "site.yml"
    site_yml.write_text(site_yml.read_text("utf-8") + f"repository:\n  host: {host}\n  url: {url}/\n  branch: {branch}\n",
                        "utf-8")


def test_every_type_has_a_form_page_with_its_fields_and_the_next_free_id(demo):
    result, site = site_of(demo)
    assert set(result.config.types) == {"meeting", "notice", "capa", "report", "complaint", "nc", "survey", "memo",
                                        "contact"}
    nav = [item for item in site.nav if "新建记录" in item][0]["新建记录"]
    assert [list(i.values())[0] for i in nav] == [f"new/{t}.md" for t in result.config.types]
    for rtype, rt in result.config.types.items():
        form = form_of(site, rtype)
        names = {f["name"] for f in form["fields"]}
        assert {n for n, s in rt.fields.items() if s.required and n != "id"} <= names, rtype
        assert names.isdisjoint(pages.FORM_SKIP)
        assert form["id"] == next_id(demo, result.config, rtype, TODAY)   # what `bulletin new` would give
        assert form["folder"] == f"records/{rt.folder}/{TODAY.year}"
        assert form["host"] is None   # the demo names no Git host: the form only makes the text
        soup = BeautifulSoup(site.html_pages[f"new/{rtype}.md"][1], "html.parser")
        assert soup.find(id="bl-form-host") is None and soup.find(class_="bl-form-nohost") is not None
    capa = {f["name"]: f for f in form_of(site, "capa")["fields"]}
    assert capa["owner"]["kind"] == "person" and capa["opened_on"]["kind"] == "date"
    assert [v for v, _ in capa["source"]["values"]][:2] == ["customer-complaint", "internal-audit"]
    assert capa["containment"]["required_when"] == [["status_from", ["analysis"]]]
    assert [f["name"] for f in capa["actions"]["of"]["fields"]][:3] == ["text", "owner", "due"]
    assert form_of(site, "capa")["body"].startswith("# \ue000\n\n## 问题描述")


def test_the_next_id_counts_former_ids_and_records_of_other_audiences(demo):
    result, _ = site_of(demo)
    restricted = demo / "records" / "capa" / str(TODAY.year) / f"CAPA-{TODAY.year}-090-secret.md"
    restricted.write_text(f"---\nid: CAPA-{TODAY.year}-090\ntitle: x\ndepartment: QA\nvisibility: restricted\n"
                          f"source: process\nopened_on: {TODAY}\ndue: {TODAY}\nowner: liuhong\nstatus: open\n"
                          f"former_ids: [CAPA-{TODAY.year}-095]\n---\n", "utf-8")
    _, site = site_of(demo)
    assert form_of(site, "capa")["id"] == f"CAPA-{TODAY.year}-096"
    assert f"CAPA-{TODAY.year}-090" not in site.html_pages["new/capa.md"][1]


@pytest.mark.parametrize("host", sorted(HOSTS))
def test_record_pages_link_to_the_hosts_editor_and_forms_to_its_new_file_page(demo, host):
    url, edit, new, name, value = HOSTS[host]
    with_repository(demo, host, url)
    result, site = site_of(demo)
    capa = result.records.get("CAPA-2026-001")
    top = BeautifulSoup(site.record_page(pages.src_of(capa)).top, "html.parser")
    link = top.find("a", id="bl-edit-record")
    assert link["href"] == edit.format(path=capa.path) and "编辑此记录" in link.get_text()
    form = form_of(site, "meeting")
    assert form["host"] == {"host": host, "page": new.format(dir=f"records/meetings/{TODAY.year}"),
                            "name": name, "value": value}
    button = BeautifulSoup(site.html_pages["new/meeting.md"][1], "html.parser").find(id="bl-form-host")
    assert button["href"] == form["host"]["page"] and button["data-host"] == host


def test_without_a_host_record_pages_have_no_edit_link(demo):
    result, site = site_of(demo)
    capa = result.records.get("CAPA-2026-001")
    assert BeautifulSoup(site.record_page(pages.src_of(capa)).top, "html.parser").find(id="bl-edit-record") is None


def test_a_branch_and_path_are_percent_encoded_segment_by_segment(demo):
    with_repository(demo, "github", "https://github.com/hengrui/records", "release/2026 q4")
    cfg = load_config(demo)
    assert cfg.repository.edit_url("records/notices/2026/NTC-2026-001-a b#c.md") == \
        "https://github.com/hengrui/records/edit/release/2026%20q4/records/notices/2026/NTC-2026-001-a%20b%23c.md"


@pytest.mark.parametrize("setting, words", [
    ("repository: {host: bitbucket, url: https://b.example.com/r}", "github, gitlab or gitea"),
    ("repository: {host: github, url: 'javascript:alert(1)'}", "http(s) address"),
    ("repository: https://github.com/a/b", "a mapping"),
])
def test_a_wrong_repository_setting_stops_with_a_clear_message(demo, setting, words):
    site_yml = demo / "site_config" / "site.yml"
    site_yml.write_text(site_yml.read_text("utf-8") + setting + "\n", "utf-8")
    r = bulletin("validate", "--lang", "en", cwd=demo)
    assert r.returncode == 2
    assert "site_config/site.yml" in r.stderr + r.stdout and words in r.stderr + r.stdout
    assert "Traceback" not in r.stderr


HOSTILE = """'" onmouseover=alert(1) x='</script><script>alert(1)</script>"""


def test_the_forms_json_is_safe_with_a_hostile_department_name(demo, tmp_path):
    deps = demo / "site_config" / "departments.yml"
    deps.write_text(deps.read_text("utf-8").replace("name: 品管部", f"name: {json.dumps('品管部' + HOSTILE)}", 1), "utf-8")
    with_repository(demo, "github", "https://github.com/hengrui/records")
    git("commit", "-qam", "hostile department", cwd=demo)
    out = tmp_path / "site"
    r = bulletin("build", "--out", str(out), "--today", DEMO_TODAY, cwd=demo)
    assert r.returncode == 0, r.stdout + r.stderr
    for rtype in ("capa", "meeting", "memo", "notice"):
        html = (out / "new" / rtype / "index.html").read_text("utf-8")
        soup = BeautifulSoup(html, "html.parser")
        raw = re.search(r"data-form='([^']*)'", html).group(1)   # the attribute as written: nothing ends it early
        assert "<" not in raw and ">" not in raw and "&" not in raw
        form = json.loads(soup.find(id="bl-form")["data-form"])
        assert json.loads(raw) == form
        assert {d["code"]: d["name"] for d in form["departments"]}["QA"] == f"品管部{HOSTILE}"
        assert form["type"] == rtype and form["fields"]             # the whole JSON, after the name too
        # the page's scripts are the theme's and Bulletin's own: none holds the registry's text
        assert not [s for s in soup.find_all("script") if "alert(" in s.get_text()]
        srcs = [s["src"] for s in soup.find_all("script") if s.get("src")]
        assert any(s.endswith("assets/bulletin-form.js") for s in srcs)
