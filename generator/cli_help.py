"""Every text of `bulletin --help` and `bulletin COMMAND --help`, in Chinese and English, as messages.py keeps
messages: code -> (zh, en). "<command>" is a command's one-line summary, "<command>:long" its description,
"<command>:<option>" an argument's help. Option names, metavars and argparse's own words stay as they are."""

from __future__ import annotations

HELP_TEXTS: dict[str, tuple[str, str]] = {
    # the command and the options every command has
    "bulletin": (
        "记录即代码：会议纪要、通知公告、纠正预防措施（CAPA）和部门报告，保存在 Git 中。",
        "Records-as-code: meeting minutes, notices, CAPAs and reports kept in Git.",
    ),
    "any:root": (
        "记录仓库的位置（默认：从当前文件夹向上最近的含 site_config/ 或 records/ 的文件夹）",
        "the repository (default: the nearest folder with site_config/ or records/)",
    ),
    "any:lang": (
        "提示信息的语言（默认：site_config/site.yml 中的 language）",
        "language of messages (default: site_config/site.yml)",
    ),
    "any:format-problems": ("输出格式：text（默认）、json 或 github", "text (default), json or github"),
    "any:today-judge": ("据以判断的日期，格式 YYYY-MM-DD", "the date to judge against, YYYY-MM-DD"),
    # validate
    "validate": ("检查每条记录和各登记表", "check every record and the registries"),
    "validate:long": (
        """检查每条记录和各登记表，每个问题输出一行：路径:行号: error: 说明。

没有错误时退出码为 0，有错误时为 1，无法运行时为 2。
示例：  bulletin validate                 （整个仓库）
        bulletin validate records/capa    （只看这些文件的问题）""",
        """Check every record and the registries; print each problem as path:line: error: message.

Exit 0 when there are no errors, 1 when there are, 2 when it cannot run.
Example:  bulletin validate                 (the whole repository)
          bulletin validate records/capa    (only problems of these files)""",
    ),
    "validate:paths": ("只报告这些文件或文件夹中的问题", "report only problems of these files or folders"),
    # init
    "init": ("在 DIR 中新建一个公司的记录仓库", "create a new company's records repository in DIR"),
    "init:long": (
        """在 DIR（不存在或为空的文件夹）中新建一个公司的记录仓库：带示例部门和人员的 site_config/、
每种记录类型的 records/ 文件夹、mkdocs.yml、GitHub / Gitea / GitLab 的 CI、pre-commit、CODEOWNERS、
给员工看的 README，以及按哈希锁定本版 Bulletin 的 requirements.txt。

示例：  bulletin init hengrui-records --company "苏州恒锐汽车零部件有限公司"
        bulletin init acme-records --company "ACME Brakes" --lang en""",
        """Create a new company's records repository in DIR (missing or empty): site_config/ with example
departments and people, records/ folders for every type, mkdocs.yml, CI for GitHub, Gitea and GitLab,
pre-commit, CODEOWNERS, a README for staff, and requirements.txt pinning this Bulletin by hash.

Example:  bulletin init hengrui-records --company "苏州恒锐汽车零部件有限公司"
          bulletin init acme-records --company "ACME Brakes" --lang en""",
    ),
    "init:dir": ("新的或空的文件夹", "a new or empty folder"),
    "init:company": ("公司名称（用于站点名称、README 和打印件）", "the company's name (site name, README, printed copies)"),
    "init:today": ("示例报告计划中第一个应交的月份", "the first month owed in the example report schedule"),
    "init:wheel": (
        "要锁定的 Bulletin wheel 文件（默认：安装本 Bulletin 所用的那个）",
        "the Bulletin wheel to pin (default: the one this Bulletin was installed from)",
    ),
    # new
    "new": ("用下一个空闲编号新建一条记录，并输出其路径", "write a new record with the next free ID; prints its path"),
    "new:long": (
        """用当年下一个空闲编号新建一条记录，并输出其路径。

示例：  bulletin new capa --title "卡钳毛刺客诉" --department QA --person zhangwei""",
        """Write a new record with the next free ID for the year and print its path.

Example:  bulletin new capa --title "卡钳毛刺客诉" --department QA --person zhangwei""",
    ),
    "new:type": (
        "记录类型：meeting, notice, capa, report, complaint, nc, survey, memo, contact，或 types.yml 中本公司的类型",
        "meeting, notice, capa, report, complaint, nc, survey, memo, contact, or a type of your own in types.yml",
    ),
    "new:title": ("记录的标题", "the record's title"),
    "new:today": ("新记录的日期（默认：今天）", "the date of the new record (default: today)"),
    "new:department": ("部门代码（见 site_config/departments.yml）", "department code (site_config/departments.yml)"),
    "new:person": (
        "主持人 / 记录人 / 负责人 / 作者的人员 id（见 site_config/people.yml）",
        "person id for chair/recorder/owner/author (site_config/people.yml)",
    ),
    "new:kind": ("会议类别或报告类别", "meeting kind or report kind"),
    "new:category": ("通知类别", "notice category"),
    "new:source": ("CAPA 来源", "CAPA source"),
    "new:period": ("报告期间，例如 2026-10（默认：上个月）", "report period, e.g. 2026-10 (default: last month)"),
    # the options of build and serve
    "site:out": ("输出文件夹（默认：site）", "output folder (default: site)"),
    "site:audience": (
        "站点面向谁（默认：all-staff；看不到的记录不留任何痕迹）",
        "who the site is for (default: all-staff; hidden records leave no trace)",
    ),
    "site:today": (
        "据以判断逾期 / 有效 / 过期的日期，格式 YYYY-MM-DD",
        "judge overdue/active/expired against this date, YYYY-MM-DD",
    ),
    # build
    "build": (
        "先检查，再把公告栏站点生成到文件夹中（只有成功才替换）",
        "validate, then build the bulletin site into a folder (swapped in only on success)",
    ),
    "build:long": (
        """先检查，再用 MkDocs 把公告栏站点生成到临时文件夹，只有成功才替换到位：
生成失败时，之前的站点原样保留。

示例：  bulletin build --out site --today 2026-11-24
        bulletin build --out site-mgmt --audience management""",
        """Validate, then build the bulletin site with MkDocs into a temporary folder and swap it
into place only on success: a failed build leaves the previous site untouched.

Example:  bulletin build --out site --today 2026-11-24
          bulletin build --out site-mgmt --audience management""",
    ),
    "build:strict": ("出现任何 MkDocs 警告（失效链接、锚点）即失败", "fail on any MkDocs warning (broken links, anchors)"),
    "build:progress": ("显示进度行（默认：在终端中显示，在 CI 中不显示）", "a progress line (default: on a terminal, off in CI)"),
    # serve
    "serve": (
        "生成站点，在 http://127.0.0.1:8000 提供浏览，每次保存后（增量）重新生成",
        "build, serve at http://127.0.0.1:8000, and rebuild (incrementally) on every save",
    ),
    "serve:long": (
        """生成站点并提供浏览，每次保存修改后重新生成（只重做修改涉及的部分：即使有 10,000 条记录也只需几秒）。
打开的页面会自动刷新。有错误的记录绝不会替换站点：输出文件夹保留最近一次正确的站点；在保存修正之前，
浏览器打开的每个页面都会列出错误（文件、行号、说明），修正后自动回到站点。

示例：  bulletin serve                      （然后打开 http://127.0.0.1:8000）
        bulletin serve --port 8001 --audience management""",
        """Build the site, serve it, and build it again after every saved change (only what the
change touches: seconds, even at 10,000 records). Open pages reload by themselves. Records with
errors never replace the site: the output folder keeps the last good site, and until a save fixes them
every page the browser loads lists the errors (file, line, message) and returns to the site by itself.

Example:  bulletin serve                      (then open http://127.0.0.1:8000)
          bulletin serve --port 8001 --audience management""",
    ),
    "serve:host": ("监听的地址（默认：127.0.0.1）", "address to listen on (default: 127.0.0.1)"),
    "serve:port": ("端口（默认：8000；0 表示自动选一个空闲端口）", "port (default: 8000; 0 picks a free one)"),
    # status
    "status": (
        "按负责人列出欠交事项（默认只列逾期事项），只针对一个受众",
        "what is owed (overdue items by default), grouped by owner, for one audience",
    ),
    "status:long": (
        """按负责人分组列出欠交事项：默认列出逾期的 CAPA 和行动项以及缺交的报告；
用 --person 或 --department 时，列出该人员或部门欠交的全部事项（未关闭的行动项、其负责的逾期 CAPA、
应交的报告），无论是否到期。

只统计该受众可以看到的记录，输出中会注明受众：除非 --audience 另行指定，否则为 all-staff，
因此默认输出可以放心发到全公司的群里。
--format wecom / dingtalk 输出企业微信 / 钉钉群机器人 webhook 所需的 JSON
（Markdown 不超过 4096 字节；放不下的事项在最后一行计数）。

示例：  bulletin status --today 2026-11-24
        bulletin status --person wuhaitao
        bulletin status --format wecom | curl -H 'Content-Type: application/json' --data @- "$WEBHOOK"
        bulletin status --audience management --format markdown    （只发给管理层的群）""",
        """Print what is owed, grouped by owner: by default the overdue CAPAs and action items and the
missing reports; with --person or --department, everything that person or department owes (open action
items, overdue CAPAs they own, reports owed), due or not.

Only records the audience may see are counted, and the output names the audience: all-staff unless
--audience says otherwise, so the default output is safe to post to a company-wide group.
--format wecom / dingtalk prints the exact JSON a WeCom / DingTalk group robot's webhook takes
(Markdown within 4096 bytes; items that do not fit are counted in a last line).

Example:  bulletin status --today 2026-11-24
          bulletin status --person wuhaitao
          bulletin status --format wecom | curl -H 'Content-Type: application/json' --data @- "$WEBHOOK"
          bulletin status --audience management --format markdown    (for the management group only)""",
    ),
    "status:format": (
        "text（邮件）、json、markdown，或企业微信（wecom）/ 钉钉（dingtalk）群机器人的 JSON",
        "text (e-mail), json, markdown, or the JSON payload of a WeCom / DingTalk group robot",
    ),
    "status:audience": (
        "统计谁可以看到的记录（默认：all-staff；不计 management 和 restricted 的记录）",
        "whose records to count (default: all-staff; management and restricted records are left out)",
    ),
    "status:person": (
        "此人欠交的全部事项（site_config/people.yml 中的 id）",
        "everything this person owes (an id from site_config/people.yml)",
    ),
    "status:department": ("此部门及其人员欠交的全部事项", "everything this department and its people owe"),
    # check-changes
    "check-changes": (
        "合并请求的变更控制：删除的记录、改动的编号、未登记修订的编辑",
        "change control for a pull request: deleted records, changed IDs, unamended edits",
    ),
    "check-changes:long": (
        """合并请求的变更控制：把工作区与 --base REF 和 HEAD 的合并基点比较（与合并请求的差异相同），
并与 REF 的最新提交比较。

以下情况拒绝（退出码 1），并指出文件和改法：删除了记录（应改为标记 withdrawn）；
改了编号（除非记录在 former_ids 中列出旧编号）；修改已关闭的 CAPA 或已批准的会议却没有新增 amendments 条目；
新记录的编号已被 REF 使用。
REF 不存在或文件夹不是 Git 仓库时退出码为 2。
示例：  bulletin check-changes --base origin/main --format github""",
        """Change control for a pull request: compare the working tree with the merge base of
--base REF and HEAD (as the pull request's diff does) and with REF's tip.

Refuses (exit 1), naming the file and the fix: a deleted record (mark it withdrawn instead);
a changed ID (unless the record lists the old one in former_ids); an edit of a closed CAPA or
an approved meeting without a new amendments entry; a new record whose ID REF already uses.
Exit 2 when REF is unknown or the folder is not a Git repository.
Example:  bulletin check-changes --base origin/main --format github""",
    ),
    "check-changes:base": ("合并请求的目标分支，例如 origin/main", "the pull request's target, e.g. origin/main"),
    # codeowners
    "codeowners": (
        "根据 site_config/ 输出（或用 --write 写入）.github/CODEOWNERS",
        "print (or --write) .github/CODEOWNERS from site_config/",
    ),
    "codeowners:long": (
        """输出根据 site_config/（people.yml 中的角色和 git_user，可选的 codeowners.yml）生成的 CODEOWNERS 文件：
records/capa/ -> 角色 qa，records/meetings/management-review/ -> management-rep。

示例：  bulletin codeowners --write     （写入 .github/CODEOWNERS）
        bulletin codeowners --check     （.github/CODEOWNERS 过时则退出码为 1）""",
        """Print the CODEOWNERS file made from site_config/ (people.yml roles and git_user,
optional codeowners.yml): records/capa/ -> role qa, records/meetings/management-review/ -> management-rep.

Example:  bulletin codeowners --write     (writes .github/CODEOWNERS)
          bulletin codeowners --check     (exit 1 when .github/CODEOWNERS is out of date)""",
    ),
    "codeowners:write": ("写入 .github/CODEOWNERS，而不是输出", "write .github/CODEOWNERS instead of printing it"),
    "codeowners:check": ("当 .github/CODEOWNERS 过时时退出码为 1", "exit 1 when .github/CODEOWNERS is out of date"),
    # audit-pack
    "audit-pack": (
        "把一个期间的记录打成 zip，审核员可离线打开（file://）",
        "a zip of one period's records an auditor opens offline (file://)",
    ),
    "audit-pack:long": (
        """写出一个审核员可离线打开的 zip（从 U 盘打开，无需服务器和网络）：面向 --audience 的站点
（除非另行指定，否则为 all-staff，并印在封面上），包含 --from 到 --to 期间的记录（记录的存续期与该期间重叠即算：
从记录自身的日期到其关闭、批准或提交；未关闭的记录算到 --today），每个审核页面（审核员索引、文件登记表 …）
以及每条记录的历史。搜索和表格筛选在 file:// 下也能用。相同的记录、期间、受众和 --today
生成逐字节相同的 zip。

示例：  bulletin audit-pack --from 2026-01-01 --to 2026-11-24 --out audit-2026.zip --today 2026-11-24""",
        """Write a zip an auditor opens offline (from a USB stick, no server, no network): the site for
--audience (all-staff unless told otherwise, printed on its cover) holding the records of the period --from
to --to (a record belongs when its life overlaps the period: from its own date to its closing, approval or
submission; open records run to --today), every audit page (auditor's index, document register …) and each
record's history. Search and table filters work from file://. The same records, period, audience and
--today give a byte-identical zip.

Example:  bulletin audit-pack --from 2026-01-01 --to 2026-11-24 --out audit-2026.zip --today 2026-11-24""",
    ),
    "audit-pack:from": ("期间的第一天，格式 YYYY-MM-DD", "first day of the period, YYYY-MM-DD"),
    "audit-pack:to": ("期间的最后一天，格式 YYYY-MM-DD", "last day of the period, YYYY-MM-DD"),
    "audit-pack:out": ("要写出的 zip（新文件，或之前生成的审核包）", "the zip to write (a new file, or an earlier pack)"),
    "audit-pack:audience": (
        "审核包面向谁（默认：all-staff，印在封面上）",
        "who the pack is for (default: all-staff, printed on its cover)",
    ),
    "audit-pack:today": ("据以判断逾期 / 未关闭的日期，格式 YYYY-MM-DD", "judge overdue/open against this date, YYYY-MM-DD"),
}


def help_text(code: str, lang: str) -> str:
    zh, en = HELP_TEXTS[code]
    return en if lang == "en" else zh
