"""Every message Bulletin prints, in Chinese and English. Field names, IDs and values stay as written."""

from __future__ import annotations

LANGS = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # summary
    "summary": (
        "检查了 {records} 条记录：{errors} 个错误，{warnings} 个警告",
        "checked {records} records: {errors} errors, {warnings} warnings",
    ),
    # reading a file
    "not-utf8": (
        "文件不是 UTF-8 编码（看起来是 {encoding}，第 {at} 行起无法按 UTF-8 读取）。请另存为 UTF-8：记事本选“另存为”→编码“UTF-8”；VS Code 点右下角编码→“通过编码保存”→“UTF-8”",
        "the file is not UTF-8 (it looks like {encoding}; line {at} cannot be read as UTF-8). Save it as UTF-8: in Notepad, Save As → Encoding “UTF-8”; in VS Code, click the encoding in the status bar → Save with Encoding → UTF-8",
    ),
    "binary-file": (
        "文件含有二进制内容（NUL 字节），不是文本记录。记录必须是 UTF-8 文本的 Markdown 文件",
        "the file holds binary data (NUL bytes), not a text record. A record must be a Markdown file in UTF-8 text",
    ),
    "file-too-large": (
        "文件太大（{size} 字节，上限 {limit} 字节）。请把大段内容放进附件，在正文中链接",
        "the file is too large ({size} bytes, the limit is {limit}). Put bulky content in an attachment and link to it",
    ),
    "empty-file": (
        "文件是空的。记录以 --- 开头的 YAML 头部开始（可用 bulletin new 生成模板）",
        "the file is empty. A record starts with YAML front matter between --- lines (bulletin new writes a template)",
    ),
    "no-front-matter": (
        "文件开头缺少 YAML 头部：第一行应当是 ---，随后是 id、title 等字段，再以 --- 结束",
        "the file does not start with YAML front matter: the first line must be ---, then the fields (id, title, …), then a closing ---",
    ),
    "unterminated-front-matter": (
        "YAML 头部没有结束：在字段之后、正文之前加一行 ---",
        "the front matter is never closed: add a line --- after the fields, before the body",
    ),
    "front-matter-too-large": (
        "YAML 头部太大（{size} 字节，上限 {limit} 字节）",
        "the front matter is too large ({size} bytes, the limit is {limit})",
    ),
    "yaml-syntax": (
        "YAML 语法错误：{problem}。请检查这一行的缩进、冒号后的空格和引号是否成对",
        "YAML syntax error: {problem}. Check this line's indentation, the space after each colon, and that quotes are paired",
    ),
    "yaml-duplicate-key": (
        "字段 {key} 重复出现（第一次在第 {first} 行）；只保留一个",
        "the key {key} appears twice (first on line {first}); keep only one",
    ),
    "yaml-not-mapping": (
        "YAML 头部必须是“字段: 值”的列表，这里却是 {found}",
        "the front matter must be a list of “key: value” lines, but it is {found}",
    ),
    "yaml-tag": (
        "不允许使用 YAML 标签 {tag}：记录只能包含普通的文本、数字、日期、列表和映射",
        "the YAML tag {tag} is not allowed: records hold only plain text, numbers, dates, lists and mappings",
    ),
    "yaml-alias-bomb": (
        "YAML 别名（*）展开后过大或自我引用；请直接写出内容，不要用 & 和 *",
        "YAML aliases (*) expand too far or refer to themselves; write the values out instead of using & and *",
    ),
    "yaml-too-deep": (
        "YAML 嵌套超过 {limit} 层（[ 或缩进套得太深）；记录的字段最多只嵌套几层",
        "the YAML nests more than {limit} levels deep (too many [ or indentation levels); record fields nest only a few levels",
    ),
    "yaml-bad-value": (
        "值 {value} 无法按 {tag} 读取；去掉 {tag} 或改正这个值",
        "the value {value} cannot be read as {tag}; remove {tag} or correct the value",
    ),
    "yaml-key-not-text": (
        "字段名必须是文本，这里是 {key}",
        "a key must be text, not {key}",
    ),
    # where a file is
    "symlink": (
        "符号链接不作为记录或附件使用（指向 {target}）。请用真实文件替换它",
        "symbolic links are not followed (this one points to {target}). Replace it with the real file",
    ),
    "unknown-folder": (
        "记录必须放在以下文件夹之一：{folders}",
        "records must live in one of these folders: {folders}",
    ),
    "bad-filename": (
        "文件名必须以记录编号开头，形如 {example}（前缀-年份-序号，如 {prefix}-2026-001-标题.md）",
        "the file name must start with the record ID, like {example} (PREFIX-YEAR-NUMBER, e.g. {prefix}-2026-001-title.md)",
    ),
    "wrong-folder": (
        "编号 {id} 属于 {expected} 类型，应放在 records/{folder}/ 下",
        "the ID {id} belongs to type {expected}; move the file under records/{folder}/",
    ),
    # audit8: a record written as another type's
    "id-other-type": (
        "id 为 {id}，是 {other} 类型的编号，但文件名 {filename} 表示 {type} 类型，所以没有按 {type} 逐项检查。"
        "若这是一份 {other} 记录，请把文件移到 {move}；若是 {type} 记录，请把 id 改为 {filename}",
        "id is {id}, a {other} ID, but the file name {filename} makes this a {type} record, so its fields were not "
        "checked as a {type}'s. If it is a {other} record, move the file to {move}; if it is a {type}, set id to {filename}",
    ),
    "id-mismatch": (
        "id 为 {id}，但文件名以 {filename} 开头；二者必须一致",
        "id is {id} but the file name starts with {filename}; they must be the same",
    ),
    "duplicate-id": (
        "编号 {id} 已被 {other} 使用；编号必须唯一（用 bulletin new 取下一个可用编号）",
        "the ID {id} is already used by {other}; IDs must be unique (bulletin new picks the next free one)",
    ),
    # fields
    "missing": (
        "缺少必填字段 {field}",
        "the required field {field} is missing",
    ),
    "missing-when": (
        "{when}时必须填写 {field}",
        "{field} is required when {when}",
    ),
    "unknown-key": (
        "未知字段 {key}{hint}",
        "unknown field {key}{hint}",
    ),
    "did-you-mean": ("，是否想写 {name}？", "; did you mean {name}?"),
    "expected-text": ("{field} 应为文本，这里是 {found}", "{field} must be text, found {found}"),
    "empty-text": ("{field} 不能为空", "{field} must not be empty"),
    "expected-date": (
        "{field} 应为日期，格式 YYYY-MM-DD（如 2026-03-15），这里是 {found}",
        "{field} must be a date written YYYY-MM-DD (e.g. 2026-03-15), found {found}",
    ),
    "bad-date": (
        "{field} 的值 {found} 不是真实存在的日期（检查月份和日）",
        "{field} is {found}, which is not a real calendar date (check the month and day)",
    ),
    "expected-bool": (
        "{field} 应为 true 或 false，这里是 {found}",
        "{field} must be true or false, found {found}",
    ),
    "expected-number": ("{field} 应为数字，这里是 {found}", "{field} must be a number, found {found}"),
    "expected-list": (
        "{field} 应为列表（每项一行，以“- ”开头，或写成 [a, b]），这里是 {found}",
        "{field} must be a list (one item per line starting with “- ”, or [a, b]), found {found}",
    ),
    "expected-mapping": (
        "{field} 应为“字段: 值”的映射，这里是 {found}",
        "{field} must be a mapping of “key: value”, found {found}",
    ),
    "empty-list": ("{field} 至少需要一项", "{field} needs at least one item"),
    "bad-choice": (
        "{field} 的值 {found} 无效，可选值：{allowed}{hint}",
        "{field} is {found}, which is not allowed; choose one of: {allowed}{hint}",
    ),
    "unknown-person": (
        "{field}：人员 {found} 不在 site_config/people.yml 中{hint}",
        "{field}: the person {found} is not in site_config/people.yml{hint}",
    ),
    "unknown-dept": (
        "{field}：部门代码 {found} 不在 site_config/departments.yml 中{hint}",
        "{field}: the department code {found} is not in site_config/departments.yml{hint}",
    ),
    "bad-id": (
        "{field} 的值 {found} 不是记录编号（形如 CAPA-2026-007）",
        "{field} is {found}, which is not a record ID (like CAPA-2026-007)",
    ),
    "missing-role": (
        "{field}：{found} 必须具有 {role} 角色（在 site_config/people.yml 的 roles 中）",
        "{field}: {found} must have the role {role} (roles in site_config/people.yml)",
    ),
    "date-order": (
        "{field}（{value}）不能早于 {other}（{other_value}）",
        "{field} ({value}) cannot be before {other} ({other_value})",
    ),
    "bad-period": (
        "period 的值 {found} 与报告类型 {kind} 不符，应写成 {example}",
        "period {found} does not match the report kind {kind}; write it like {example}",
    ),
    "bad-audience": (
        "{field} 应为 all 或部门代码列表，这里是 {found}",
        "{field} must be all or a list of department codes, found {found}",
    ),
    "unknown-rule": ("site_config 中声明了未知规则 {rule}", "site_config names an unknown rule {rule}"),
    # rules within a record
    "actions-not-settled": (
        "状态为 {status} 时，所有措施都必须是 done 或 cancelled（第 {n} 项仍为 {found}）",
        "at status {status} every action must be done or cancelled (action {n} is still {found})",
    ),
    "not-effective-closed": (
        "验证结论为无效（effective: false）的 CAPA 不能关闭；请补充措施并重新验证",
        "a CAPA whose verification says effective: false cannot be closed; add actions and verify again",
    ),
    "due-ext-last": (
        "due_extensions 最后一项的 to（{last}）必须等于 due（{due}）",
        "the last entry of due_extensions has to: {last}, which must equal due ({due})",
    ),
    "due-ext-order": (
        "due_extensions 应按时间先后排列：第 {n} 项的 from（{found}）应等于上一项的 to（{previous}）",
        "due_extensions must be oldest first: entry {n} has from: {found}, which should equal the previous to ({previous})",
    ),
    # across the repository
    "ref-missing": (
        "{field}：找不到记录 {found}{hint}",
        "{field}: there is no record {found}{hint}",
    ),
    "ref-renumbered": ("（它已改号为 {new}）", " (it was renumbered to {new})"),
    "ref-wrong-type": (
        "{field}：{found} 不是 {expected} 类型的记录",
        "{field}: {found} is not a record of type {expected}",
    ),
    "report-duplicate": (
        "部门 {department} 的 {kind} 报告 {period} 已由 {other} 提交；每个部门每期只提交一份",
        "department {department} already filed its {kind} report for {period} in {other}; one report per department and period",
    ),
    "link-missing": (
        "链接指向的文件 {target} 不存在；检查路径（相对于本文件所在文件夹）和大小写",
        "the link points to {target}, which does not exist; check the path (relative to this file's folder) and its case",
    ),
    "link-outside": (
        "链接 {target} 指向仓库以外；附件请放在 records/ 下",
        "the link {target} points outside the repository; keep attachments under records/",
    ),
    "link-windows": (
        "链接 {target} 使用了 Windows 路径；请改用 / 分隔，并确保文件在 records/ 下存在",
        "the link {target} is a Windows path; use / as separator and make sure the file exists under records/",
    ),
    "link-email": (
        "链接目标 {target} 是电子邮件地址；写成 mailto:{target}",
        "the link target {target} is an e-mail address; write mailto:{target}",
    ),
    # bad input: file names, special files, executable attachments, the build's limits on a body (badinput)
    "bad-name": (
        "名称含有控制字符或不是 UTF-8 编码（{name}{guess}），站点无法使用它。请重命名：只用汉字、字母、数字、-、_ 和 .",
        "this name has control characters or is not UTF-8 ({name}{guess}), so the site cannot use it. Rename it "
        "using letters, digits, Chinese characters, -, _ and .",
    ),
    "special-file": (
        "这不是普通文件（{kind}），不能作为记录或附件读取。请删除它，或换成普通文件",
        "this is not a regular file ({kind}) and cannot be read as a record or an attachment. Remove it, or "
        "replace it with a regular file",
    ),
    "not-md-extension": (
        "文件名以记录编号 {id} 开头，但结尾是“{ending}”而不是 .md，这条记录不会被检查和发布。请把文件重命名为 {suggest}",
        "the file name starts with the record ID {id} but ends in “{ending}”, not .md, so the record would be "
        "neither checked nor published. Rename the file to end in .md: {suggest}",
    ),
    "file-unreadable": (
        "无法读取此文件：{problem}。请检查文件权限",
        "cannot read this file: {problem}. Check its permissions",
    ),
    "executable-attachment": (
        "浏览器会把这个附件（{ext}）当作网页或脚本执行，它能在站点上运行代码。请改为附上 PDF（文档）或 PNG（图片）",
        "a browser runs this attachment ({ext}) as a web page or script, so it could run code on the site. "
        "Attach a PDF (documents) or a PNG (images) instead",
    ),
    "svg-script": (
        "这个 SVG 图片含有脚本、事件属性（on…）或 foreignObject，浏览器会执行它们。请导出为 PNG 再附上，或删除其中的脚本",
        "this SVG image holds script, event-handler attributes (on…) or foreignObject, which a browser runs. "
        "Export it as PNG and attach that, or remove the script",
    ),
    "body-too-deep": (
        "正文嵌套太深（列表、引用或 HTML 元素共 {found} 层，上限 {limit} 层）。请减少列表或引用的层级，或闭合 HTML 元素",
        "the body nests too deeply ({found} levels of lists, quotes or HTML elements; the limit is {limit}). "
        "Flatten the lists or quotes, or close the HTML elements",
    ),
    "body-too-many-links": (
        "正文中的 [ 太多（{found} 个，上限 {limit} 个；每个链接或图片用一个）。请拆分记录，或把长长的链接清单放进附件",
        "the body has too many [ ({found}; the limit is {limit}, and each link or image takes one). Split the "
        "record, or put a long list of links in an attachment",
    ),
    "body-link-work": (
        "这一段太长，又含有很多 [（[ 的个数 × 段落字节数 = {found}，上限 {limit}）。请用空行把它分成较短的段落，或减少 [",
        "this paragraph is long and holds many [ (the number of [ × the paragraph's bytes is {found}; the limit "
        "is {limit}). Break it into shorter paragraphs with blank lines, or use fewer [",
    ),
    "body-html-work": (
        "正文中有未闭合的 <（< 后跟字母、!、? 或 /，同一行没有 >），且正文很长（个数 × 正文字节数 = {found}，上限 {limit}）。"
        "请补上 >，把单独的 < 写成 &lt;，或拆分记录",
        "the body has unclosed < (a < followed by a letter, !, ? or / without a > on its line), and it is long "
        "(their number × the body's bytes is {found}; the limit is {limit}). Add the >, write a lone < as &lt;, "
        "or split the record",
    ),
    "body-too-many-tags": (
        "正文中的 < 太多（{found} 个，上限 {limit} 个）。请拆分记录，或把大段 HTML 放进附件（如 PDF）",
        "the body has too many < ({found}; the limit is {limit}). Split the record, or put bulky HTML in an "
        "attachment (a PDF)",
    ),
    "body-too-much-emphasis": (
        "正文中的 * 和 _ 太多（{found} 个，上限 {limit} 个）。请拆分记录，或把代码、数据放进附件",
        "the body has too many * and _ ({found}; the limit is {limit}). Split the record, or put code or data "
        "in an attachment",
    ),
    "body-too-many-columns": (
        "这一行有 {found} 个 |（表格列），上限 {limit} 个。请把大表格放进附件（如 Excel 或 PDF）",
        "this line has {found} | (table columns); the limit is {limit}. Put a large table in an attachment "
        "(a spreadsheet or a PDF)",
    ),
    "body-guarded": (
        "此记录的正文超出了站点的限制，下面按原文显示，不作排版：{problem}",
        "this record's body goes past the site's limits and is shown below as plain text: {problem}",
    ),
    # v2 record types
    "number-range": (
        "{field} 的值 {found} 超出范围，应为 {min} 到 {max} 之间的数字",
        "{field} is {found}, which is out of range; it must be a number from {min} to {max}",
    ),
    "bad-period-format": (
        "{field} 的值 {found} 不是期间，应写成 {example}",
        "{field} is {found}, which is not a period; write it like {example}",
    ),
    "person-not-in-dept": (
        "{field}：{found} 属于部门 {department}，这里应为 {expected}（{other}）的人员（见 site_config/people.yml）",
        "{field}: {found} belongs to department {department}; it must be someone of {expected} ({other}) "
        "(see site_config/people.yml)",
    ),
    "unknown-customer": (
        "{field}：客户 {found} 不在 site_config/customers.yml 中（写客户的 id 或完整名称）{hint}",
        "{field}: the customer {found} is not in site_config/customers.yml (write the customer's id or exact "
        "name){hint}",
    ),
    "receipt-on-draft": (
        "状态为 {status} 的记录还不能签收：批准后再填写 received",
        "a record whose status is {status} cannot be received yet: fill in received once it is approved",
    ),
    "receipt-duplicate": (
        "部门 {department} 已签收过（received 第 {n} 项）；每个部门只签收一次",
        "department {department} has already signed for it (received item {n}); one receipt per department",
    ),
    "receipt-not-owed": (
        "部门 {department} 不需要签收本记录：需要签收的部门是 {owed}（来自 {source}）",
        "department {department} owes no receipt for this record: the departments that owe one are {owed} "
        "(from {source})",
    ),
    "receipt-none-owed": (
        "本记录不需要签收（只有 {when}时才需要）：请删除 received 中部门 {department} 的签收",
        "no department owes this record a receipt (only when {when}): remove department {department}'s receipt "
        "from received",
    ),
    "unknown-objective": (
        "metrics：{found} 不是 site_config/objectives.yml 中的质量目标 id{hint}",
        "metrics: {found} is not the id of an objective in site_config/objectives.yml{hint}",
    ),
    "objective-other-department": (
        "metrics：目标 {found} 属于部门 {expected}，本报告的部门是 {value}",
        "metrics: the objective {found} belongs to department {expected}, and this report is {value}'s",
    ),
    "objective-other-kind": (
        "metrics：目标 {found} 由 {expected} 报告填报，本报告是 {value}",
        "metrics: the objective {found} is reported in {expected} reports, and this report is {value}",
    ),
    "ref-missing-outside": (
        "{field}：找不到记录 {found}。如果这是外部文件的编号可以不理会；否则请改正编号",
        "{field}: there is no record {found}. If it is the number of an outside document, ignore this; "
        "otherwise correct it",
    ),
    "unique-duplicate": (
        "{other} 的 {fields} 与本记录相同（{values}）：每个 {fields} 只能有一份 {type}",
        "{other} already has the same {fields} ({values}): one {type} per {fields}",
    ),
    "complaint-capa-source": (
        "source_ref 指向顾客投诉 {found}，所以 source 应为 customer-complaint，这里是 {value}",
        "source_ref names the customer complaint {found}, so source must be customer-complaint, not {value}",
    ),
    "capa-not-settled": (
        "关联的 CAPA {found} 仍为 {status}：先关闭（closed）或取消（cancelled）该 CAPA，才能关闭本记录",
        "its CAPA {found} is still {status}: close or cancel that CAPA before closing this record",
    ),
    # configuration
    "config-unreadable": (
        "无法读取配置：{problem}",
        "cannot read the configuration: {problem}",
    ),
    "config-bad-entry": (
        "{file} 中的条目有误：{problem}",
        "a bad entry in {file}: {problem}",
    ),
    "config-duplicate": ("{key} 重复定义", "{key} is defined twice"),
    "path-missing": ("没有这个文件或文件夹：{path}", "no such file or folder: {path}"),
    "build-refused": (
        "记录有错误，未构建站点；{out} 保持不变",
        "the records have errors: nothing was built, {out} is untouched",
    ),
    "build-write-failed": (
        "无法把站点写入 {out}：{reason}。原来的站点没有改变；请检查磁盘空间和文件夹权限后重新构建",
        "could not write the site into {out}: {reason}. The previous site is unchanged; check the disk's free "
        "space and the folder's permissions, then build again",
    ),
    "build-done": (
        "已构建 {records} 条记录的站点（{audience}）→ {out}",
        "built the site of {records} records ({audience}) into {out}",
    ),
    # issue 13 (phone13): feeds without an address
    "build-no-site-url": (
        "警告：site_config/site.yml 未设置 site_url，订阅（RSS/Atom）和日历中的链接是相对链接，"
        "Outlook 和订阅阅读器无法打开。请设置 site_url，例如 site_url: http://bulletin.example.internal/",
        "warning: site_config/site.yml sets no site_url: links in the feeds (RSS/Atom) and the calendar are "
        "relative, and Outlook or a feed reader cannot open them. Set site_url, e.g. "
        "site_url: http://bulletin.example.internal/",
    ),
    # the output folder and mkdocs.yml (nothing lost, nothing leaked)
    "out-holds-repository": (
        "拒绝构建到 {out}：它是仓库 {root} 本身或其上级文件夹，替换它会删除整个仓库（包括 .git）。"
        "请用 --out 指定一个新的或空的文件夹，例如 --out site",
        "refusing to build into {out}: it is the repository {root} or a folder above it, and replacing it "
        "would delete the whole repository (.git included). Give --out a new or empty folder, e.g. --out site",
    ),
    "out-in-sources": (
        "拒绝构建到 {out}：它在 {folder} 中，构建会读取那里的文件。请用 --out 指定该文件夹以外的新文件夹，例如 --out site",
        "refusing to build into {out}: it is inside {folder}, which the build reads. Give --out a new folder "
        "outside it, e.g. --out site",
    ),
    "out-not-folder": (
        "拒绝构建到 {out}：那是一个文件，不是文件夹。请用 --out 指定一个新的或空的文件夹",
        "refusing to build into {out}: it is a file, not a folder. Give --out a new or empty folder",
    ),
    "out-tracked": (
        "拒绝构建到 {out}：其中有 Git 跟踪的文件，替换它会删除这些文件。请用 --out 指定一个新的或空的文件夹，例如 --out site",
        "refusing to build into {out}: it holds files tracked by Git, and replacing it would delete them. "
        "Give --out a new or empty folder, e.g. --out site",
    ),
    "out-not-ours": (
        "拒绝构建到 {out}：这个文件夹不是空的，也不是 bulletin build 生成的（没有 {marker} 标记文件），"
        "替换它会删除其中的文件。请用 --out 指定一个新的或空的文件夹，或先自行移走其中的文件",
        "refusing to build into {out}: the folder is neither empty nor made by bulletin build (it has no "
        "{marker} marker file), and replacing it would delete its files. Give --out a new or empty folder, "
        "or move its files away first",
    ),
    "mkdocs-no-bulletin": (
        "mkdocs.yml 没有启用 Bulletin，站点中不会有任何记录，因此不构建。请在 mkdocs.yml 的 hooks 列表中加上 "
        "generator/hooks.py（没有 hooks 时加一行 hooks: [generator/hooks.py]）",
        "mkdocs.yml does not name Bulletin, so the site would hold no record and nothing is built. Add "
        "generator/hooks.py to the hooks list of mkdocs.yml (without one, add the line hooks: [generator/hooks.py])",
    ),
    "mkdocs-unreadable": (
        "无法读取 mkdocs.yml：{problem}",
        "cannot read mkdocs.yml: {problem}",
    ),
    "mkdocs-docs-dir-records": (
        "docs_dir: {value} 让 MkDocs 自己读取 records/，去掉 Bulletin 时会不经受众过滤发布全部记录（包括受限记录）。"
        "请改为一个不含记录的文件夹，例如 docs_dir: docs（记录由 Bulletin 按受众加入）",
        "docs_dir: {value} lets MkDocs read records/ by itself: without Bulletin it would publish every record, "
        "restricted ones too. Set it to a folder without records, e.g. docs_dir: docs (Bulletin adds the records "
        "each audience may see)",
    ),
    "schedule-bad": ("schedule.yml：{problem}", "schedule.yml: {problem}"),
    # bulletin init
    "init-not-empty": (
        "{path} 已存在且不是空文件夹；请给出一个新文件夹（或空文件夹）的路径",
        "{path} exists and is not an empty folder; name a new (or empty) folder",
    ),
    "init-done": (
        "已在 {path} 创建记录仓库（{files} 个文件）。下一步：编辑 site_config/ 中的部门和人员，然后运行 bulletin validate",
        "created a records repository in {path} ({files} files). Next: edit the departments and people in "
        "site_config/, then run bulletin validate",
    ),
    "init-no-wheel": (
        "未找到安装 Bulletin 所用的 wheel 文件：requirements.txt 中缺少 Bulletin 本身一行；用 --wheel 指定",
        "the wheel Bulletin was installed from was not found: requirements.txt lacks Bulletin's own line; "
        "name it with --wheel",
    ),
    # change control (bulletin check-changes)
    "change-deleted": (
        "记录 {id} 被删除了。记录是受控文件，不能删除：请恢复该文件（git checkout {ref} -- {file}）；"
        "若它是误建或已作废，在头部加上 withdrawn: {{date: YYYY-MM-DD, by: 你的人员id, reason: 作废原因}}",
        "the record {id} was deleted. Records are controlled documents and are never deleted: restore the file "
        "(git checkout {ref} -- {file}); if it was made in error or is void, mark it in its front matter "
        "with withdrawn: {{date: YYYY-MM-DD, by: your person id, reason: why}}",
    ),
    "change-id-changed": (
        "记录编号从 {old} 改成了 {new}（原文件 {old_path}）。已合并的记录不能改号：请恢复编号 {old}"
        "（文件名和 id 都要改回）；若确需改号（编号冲突），在头部加上 former_ids: [{old}]",
        "the record's ID changed from {old} to {new} (it was {old_path}). A merged record keeps its ID: change "
        "the file name and id back to {old}; if it must be renumbered (an ID collision), add former_ids: [{old}] "
        "to its front matter",
    ),
    # audit8: a record renamed to a name a record cannot have
    "change-renamed-badly": (
        "记录 {id} 被重命名为 {file}，但记录不能用这个文件名：{problem}。请改好文件名，或改回 {old}",
        "the record {id} was renamed to {file}, a name a record cannot have: {problem}. Correct the name, or "
        "rename it back to {old}",
    ),
    "change-locked-edited": (
        "{id} 在目标分支上的状态是 {status}，本次修改了 {changed}：修改它必须在 amendments 列表末尾追加一条修订记录："
        "- {{date: YYYY-MM-DD, by: 你的人员id, reason: 修改原因}}；否则请撤销这些修改",
        "{id} is {status} on the target branch and this change edits {changed}: an edit must append an entry to "
        "its amendments list: - {{date: YYYY-MM-DD, by: your person id, reason: why it changed}}; or undo these edits",
    ),
    "change-locked-upstream": (
        "{id} 在本分支创建之后已在 {ref} 上变为 {status}，而本分支修改了它。请先把 {ref} 合并到本分支"
        "（或变基），再在 amendments 末尾追加一条修订记录说明这次修改",
        "{id} became {status} on {ref} after this branch was made, and this branch changes it. Bring the "
        "branch up to date with {ref} (merge or rebase), then append an amendments entry for this change",
    ),
    "change-amendments-rewritten": (
        "{id} 已有的修订记录（amendments 的前 {count} 项）被修改或删除了；已有条目必须保持原样，只能在末尾追加新条目",
        "the existing amendments of {id} (its first {count} entries) were changed or removed; keep them as they "
        "are and append a new entry at the end",
    ),
    "change-id-taken": (
        "编号 {id} 在 {ref} 上已被另一条记录 {other} 使用（两个分支都取了同一个编号）。请改号为下一个可用编号 {new}："
        "文件改名为 {name}，id 改为 {new}，并加上 former_ids: [{id}]；本分支中引用 {id} 的地方也改为 {new}",
        "the ID {id} is already used on {ref} by another record, {other} (both branches took the same number). "
        "Renumber this record to the next free ID, {new}: rename the file to {name}, set id: {new} and add "
        "former_ids: [{id}]; change references to {id} made in this branch to {new}",
    ),
    "change-id-former": (
        "编号 {id} 在 {ref} 上是 {other} 的曾用编号（former_ids），不能再次使用。请改号为 {new}："
        "文件改名为 {name}，id 改为 {new}",
        "the ID {id} is a former ID of {other} on {ref} (former_ids) and is never used again. Renumber this "
        "record to {new}: rename the file to {name} and set id: {new}",
    ),
    # change control v2 and roles held for a time (issue 10, classes 5 and 7)
    "role-not-held": (
        "{field}：{found} 担任 {role} 的期间是 {periods}，{on}（{date}）当天不是 {role}；"
        "批准只在批准人任职期间有效（site_config/people.yml 中的 since/until）",
        "{field}: {found} held the role {role} {periods}, not on {on} ({date}); an approval counts only while "
        "its approver holds the role (since/until in site_config/people.yml)",
    ),
    "change-attachment-locked": (
        "{file} 是 {id} 的附件，{id} 在目标分支上的状态是 {status}，附件随记录锁定，却被{how}了。请恢复它"
        "（git checkout {ref} -- {file}）；若确需更改，在 {record} 的 amendments 末尾追加一条修订记录说明原因",
        "{file} is an attachment of {id}, which is {status} on the target branch: the attachment is locked with "
        "it, and it was {how}. Restore it (git checkout {ref} -- {file}); if it must change, append an "
        "amendments entry to {record} saying why",
    ),
    "changes-attachment-deleted": ("删除", "deleted"),
    "changes-attachment-replaced": ("替换", "replaced"),
    "change-former-claim": (
        "{id} 在 former_ids 中列出了 {former}，但{reason}。former_ids 只能写本记录在本次修改中改号前的编号"
        "（同一类型、目标分支上有、本分支中已不存在）：请把 {former} 从 former_ids 中删去",
        "{id} lists {former} in former_ids, but {reason}. former_ids names only this record's own ID before this "
        "pull request renumbered it (same type, at the base, gone now): remove {former} from former_ids",
    ),
    "changes-former-kept-id": (
        "{id} 本身并没有在本次修改中改号（它在目标分支上已存在）",
        "{id} itself was not renumbered by this pull request (it is already on the target branch)",
    ),
    "changes-former-other-type": (
        "{former} 是 {other} 类型的记录，而 {id} 是 {type}",
        "{former} is a record of type {other}, and {id} is a {type}",
    ),
    "changes-former-still-there": (
        "{former} 仍然存在（{other}）",
        "{former} is still there ({other})",
    ),
    # audit14: approval evidence from Git (issue 14 item 1)
    "approval-fact-approval": ("批准", "approval"),
    "approval-fact-verification": ("效果验证", "verification"),
    "approval-fact-closure": ("关闭", "closure"),
    "approval-fact-acknowledgement": ("确认签字", "acknowledgement"),
    "approval-fact-receipt": ("签收", "receipt"),
    "approval-fact-amendment": ("修订", "amendment"),
    "approval-fact-withdrawal": ("作废", "withdrawal"),
    "approvals-title": ("批准记录", "Approval evidence"),
    "approvals-intro": (
        "每项批准由哪个 Git 提交加入记录、提交作者是谁、作者是否就是批准人（people.yml 中的 email 或 git_user）。"
        "批准模式：{mode}",
        "Which Git commit brought each approval into the record, who authored it, and whether the author is the "
        "approver (email or git_user in people.yml). Approval mode: {mode}",
    ),
    "approvals-col-fact": ("事项", "Fact"),
    "approvals-col-approver": ("批准人 · 日期", "Approver · date"),
    "approvals-col-commit": ("提交", "Commit"),
    "approvals-col-author": ("提交作者", "Author"),
    "approvals-col-time": ("提交时间", "Time"),
    "approvals-col-match": ("作者即批准人", "Author is approver"),
    "approvals-col-signature": ("签名", "Signature"),
    "approvals-uncommitted": ("尚未提交", "not committed yet"),
    "approvals-match-yes": ("✓ 是", "✓ yes"),
    "approvals-match-no": ("✗ 否", "✗ no"),
    "approvals-match-unknown": ("? people.yml 未登记其账户", "? no account in people.yml"),
    "approvals-sig-approver": ("✓ 批准人的密钥", "✓ the approver's key"),
    "approvals-sig-trusted": ("✓ Git 托管平台的密钥", "✓ the Git host's key"),
    "approvals-sig-other": ("✗ 不是批准人的密钥", "✗ not the approver's key"),
    "approvals-sig-none": ("✗ 未签名", "✗ unsigned"),
    "approvals-sig-bad": ("✗ 签名无效", "✗ invalid signature"),
    "change-approval-author": (
        "{id} 的{fact}（{field}）写的是 {approver}（{name}），但加入它的提交 {commit} 的作者是 {author}。"
        "本仓库要求批准由批准人本人提交（site.yml 中 approvals: {mode}）：请从本分支撤下这一改动，"
        "由 {approver} 用 people.yml 中登记的账户（{accounts}）自己提交",
        "the {fact} of {id} ({field}) names {approver} ({name}), but the commit that added it, {commit}, was "
        "authored by {author}. This repository asks that an approval is committed by the approver "
        "(approvals: {mode} in site.yml): take the change out of this branch and let {approver} commit it with "
        "their account in people.yml ({accounts})",
    ),
    "change-approval-no-account": (
        "{id} 的{fact}（{field}）写的是 {approver}（{name}），但目标分支的 people.yml 没有登记其提交邮箱（email）"
        "或 Git 平台账号（git_user），无法确认是本人提交（approvals: {mode}）：请先单独提交一个修改 people.yml 的合并请求",
        "the {fact} of {id} ({field}) names {approver} ({name}), but people.yml on the target branch names neither "
        "their commit e-mail (email) nor their Git host login (git_user), so who committed it cannot be checked "
        "(approvals: {mode}): add them to people.yml in a pull request of its own first",
    ),
    "change-approval-new-person": (
        "{id} 的{fact}（{field}）写的是 {approver}，但目标分支的 people.yml 中还没有此人；本合并请求不能为自己的批准作证"
        "（approvals: {mode}）：请先单独提交一个把 {approver} 加入 people.yml 的合并请求",
        "the {fact} of {id} ({field}) names {approver}, who is not in people.yml on the target branch yet; a pull "
        "request cannot vouch for its own approvals (approvals: {mode}): add {approver} to people.yml in a pull "
        "request of its own first",
    ),
    "change-approval-uncommitted": (
        "{id} 的{fact}（{field}，批准人 {approver}）还没有提交，无法确认由谁批准（approvals: {mode}）：请由 {approver} 提交",
        "the {fact} of {id} ({field}, by {approver}) is not committed yet, so who made it cannot be checked "
        "(approvals: {mode}): let {approver} commit it",
    ),
    "change-approval-sig-none": (
        "{id} 的{fact}（{field}，批准人 {approver}）由提交 {commit} 加入，但该提交没有签名；approvals: signed 要求批准提交"
        "带有批准人的签名：请 {approver} 用 people.yml 的 signing_keys 中登记的密钥签名后重新提交"
        "（git config gpg.format ssh；git config user.signingkey ~/.ssh/id_ed25519.pub；git commit -S）",
        "the {fact} of {id} ({field}, by {approver}) was added by commit {commit}, which is not signed; "
        "approvals: signed asks that an approval's commit carries the approver's signature: let {approver} "
        "commit it again signed with a key listed in their signing_keys in people.yml (git config gpg.format ssh; "
        "git config user.signingkey ~/.ssh/id_ed25519.pub; git commit -S)",
    ),
    "change-approval-sig-bad": (
        "{id} 的{fact}（{field}，批准人 {approver}）由提交 {commit} 加入，但其签名校验失败（{status}）：请 {approver} 重新签名提交",
        "the {fact} of {id} ({field}, by {approver}) was added by commit {commit}, whose signature does not verify "
        "({status}): let {approver} commit it again, signed",
    ),
    "change-approval-sig-other": (
        "{id} 的{fact}（{field}，批准人 {approver}）由提交 {commit} 加入，但签名所用密钥 {key} 不在目标分支 people.yml 中 "
        "{approver} 的 signing_keys 里，也不是 site.yml 的 trusted_commit_keys：请 {approver} 用自己登记的密钥签名后重新提交",
        "the {fact} of {id} ({field}, by {approver}) was added by commit {commit}, signed with the key {key}, which "
        "is neither among {approver}'s signing_keys in people.yml on the target branch nor in trusted_commit_keys "
        "in site.yml: let {approver} commit it again signed with their own listed key",
    ),
    "change-approval-sig-no-keys": (
        "{id} 的{fact}（{field}，批准人 {approver}）需要批准人签名（approvals: signed），但目标分支的 people.yml 没有登记 "
        "{approver} 的 signing_keys：请先单独提交一个登记其公钥的合并请求",
        "the {fact} of {id} ({field}, by {approver}) needs the approver's signature (approvals: signed), but "
        "people.yml on the target branch lists no signing_keys for {approver}: add their public key in a pull "
        "request of its own first",
    ),
    "changes-compared": (
        "与 {ref} 比较（合并基点 {base}）",
        "compared with {ref} (merge base {base})",
    ),
    "git-not-repository": (
        "{root} 不是 Git 仓库；check-changes 要在记录仓库的克隆中运行",
        "{root} is not a Git repository; run check-changes in a clone of the records repository",
    ),
    "git-unknown-ref": (
        "找不到 {ref}。请先获取目标分支（git fetch origin <分支>）；在 CI 中需要完整历史："
        "GitHub 的 actions/checkout 设 fetch-depth: 0，GitLab 设 GIT_DEPTH: \"0\"",
        "there is no {ref} here. Fetch the target branch first (git fetch origin <branch>); CI needs the full "
        "history: fetch-depth: 0 for GitHub's actions/checkout, GIT_DEPTH: \"0\" on GitLab",
    ),
    "git-no-head": (
        "仓库还没有任何提交，无法比较",
        "the repository has no commit yet; there is nothing to compare with",
    ),
    "git-no-merge-base": (
        "{ref} 与 HEAD 没有共同的提交，无法判断本分支改了什么",
        "{ref} and HEAD share no commit, so what this branch changed cannot be told",
    ),
    "git-shallow-no-merge-base": (
        "这是浅克隆，找不到 {ref} 与 HEAD 的合并基点。请获取完整历史：git fetch --unshallow"
        "（GitHub 的 actions/checkout 设 fetch-depth: 0，GitLab 设 GIT_DEPTH: \"0\"）",
        "this is a shallow clone and the merge base of {ref} and HEAD is not in it. Fetch the full history: "
        "git fetch --unshallow (fetch-depth: 0 for GitHub's actions/checkout, GIT_DEPTH: \"0\" on GitLab)",
    ),
    "git-shallow": (
        "这是浅克隆：从 Git 读取的记录历史和日期不完整。请获取完整历史：git fetch --unshallow"
        "（GitHub 的 actions/checkout 设 fetch-depth: 0，GitLab 设 GIT_DEPTH: \"0\"）",
        "this is a shallow clone: the record history and dates read from Git are incomplete. Fetch the full "
        "history: git fetch --unshallow (fetch-depth: 0 for GitHub's actions/checkout, GIT_DEPTH: \"0\" on GitLab)",
    ),
    # people13: status for an audience, the preview's error page, YAML typing mistakes explained
    "status-owed-by": ("{name} 的待办", "Owed by {name}"),
    "status-audience": ("范围：{audience}（--audience {option}）", "Scope: {audience} (--audience {option})"),
    "status-scope-all-staff": ("全体员工可见的记录", "the records all staff may see"),
    "status-scope-management": ("管理层可见的记录（含全员记录）", "the records management may see (all-staff ones too)"),
    "status-scope-restricted": ("全部记录（含管理层和受限记录）", "every record (management and restricted ones too)"),
    "status-nothing": ("无", "None"),
    "status-more": (
        "…还有 {n} 项未列出（完整列表：bulletin status）",
        "…and {n} more (the full list: bulletin status)",
    ),
    "status-unknown-person": (
        "人员 {found} 不在 site_config/people.yml 中{hint}",
        "the person {found} is not in site_config/people.yml{hint}",
    ),
    "status-unknown-dept": (
        "部门代码 {found} 不在 site_config/departments.yml 中{hint}",
        "the department code {found} is not in site_config/departments.yml{hint}",
    ),
    # the command line: argparse's errors, in the reader's language
    "arg-bad-choice": ("{option} 的值 {value} 无效，可选：{choices}", "{option} is {value}, which is not allowed; choose one of: {choices}"),
    "arg-not-a-date": (
        "{option} 的值 {value} 不是日期：写成 YYYY-MM-DD，例如 {option} 2026-11-03",
        "{option} {value} is not a date: write it as YYYY-MM-DD, e.g. {option} 2026-11-03"),
    "arg-bad-value": ("{option} 的值 {value} 无效：应为整数", "{option} is {value}, which is not a whole number"),
    "arg-expected-one": ("{option} 后面要写一个值", "{option} needs a value after it"),
    "arg-not-with": ("{option} 和 {other} 只能用其中一个", "{option} and {other} cannot be used together"),
    "arg-required": ("缺少必须给出的参数：{names}（用 {prog} --help 查看用法）",
                     "missing required arguments: {names} (see {prog} --help)"),
    "arg-unrecognized": ("无法识别的参数：{names}（用 {prog} --help 查看可用的选项）",
                         "unrecognized arguments: {names} (see {prog} --help for the options)"),
    # values YAML read otherwise than the writer meant
    "expected-date-fix": (
        "{field} 应为日期，格式 YYYY-MM-DD，这里是 {found}：写成 {fix}",
        "{field} must be a date written YYYY-MM-DD, found {found}: write {fix}"),
    "expected-text-quote": (
        "{field} 应为文本，YAML 却把这里读成了{kind} {found}：给整个值加上英文引号，例如 {key}: \"{example}\"",
        "{field} must be text, but YAML read {kind} here ({found}): put the whole value in quotes, e.g. "
        "{key}: \"{example}\""),
    "expected-bool-fix": (
        "{field} 应为 true 或 false，这里是 {found}：写成 {key}: {fix}",
        "{field} must be true or false, found {found}: write {key}: {fix}"),
    "serve-cannot-listen": (
        "无法在 {at} 提供预览：{problem}。端口可能已被占用：换一个端口，例如 --port 8001",
        "cannot serve at {at}: {problem}. The port may be in use: try another, e.g. --port 8001"),
    "codeowners-stale": (
        "{path} 与 site_config/ 中的人员和部门不一致：运行 bulletin codeowners --write 更新它",
        "{path} is out of date with site_config/: run bulletin codeowners --write"),
    # the opening --- of the front matter, mistyped
    "front-matter-fence": (
        "YAML 头部要从文件的第一行开始，这一行只写三个英文减号 ---；这里是“{found}”：{why}",
        "the front matter must start on the file's first line with three ASCII hyphens ---, found “{found}”: {why}"),
    "fence-dashes": ("用了中文破折号或全角减号，改成三个英文减号 ---", "it uses dashes that are not ASCII hyphens; write ---"),
    "fence-blank-lines": ("删掉 --- 之前的空行", "delete the blank lines before ---"),
    "fence-indented": ("删掉 --- 前面的空格", "delete the spaces before ---"),
    "fence-bom": (
        "文件开头有看不见的 BOM 字符（重复了两次）：在编辑器中另存为“UTF-8”（不带 BOM）",
        "the file starts with invisible BOM characters (twice): save it again as UTF-8"),
    # bulletin new: what it refuses before writing a file
    "new-unknown-type": (
        "没有记录类型 {found}；可选：{known}",
        "there is no record type {found}; choose one of: {known}",
    ),
    "new-empty-title": (
        "--title 不能为空：写上记录的标题，例如 --title \"卡钳毛刺客诉\"",
        "--title must not be empty: give the record a title, e.g. --title \"Caliper burr complaint\"",
    ),
    "serve-errors-title": ("记录有错误，预览未更新", "The records have errors; the preview was not rebuilt"),
    "serve-errors-intro": (
        "记录有 {n} 个错误，站点没有重新构建。改正并保存后，本页会自动回到站点；"
        "在此之前，输出文件夹 {out} 仍是上一次成功构建的站点。",
        "The records have {n} errors, so the site was not rebuilt. Fix them and save: this page returns to "
        "the site by itself. Until then the output folder {out} keeps the last good site.",
    ),
    "serve-build-failed": ("构建失败：{problem}", "the build failed: {problem}"),
    "yaml-tab": (
        "这一行用制表符（Tab）缩进；YAML 只能用空格缩进：把 Tab 换成空格（每层两个空格）",
        "this line is indented with a tab; YAML indents with spaces only: replace the tab with spaces (two per level)",
    ),
    "yaml-fullwidth-colon": (
        "{key} 后面是{what}；YAML 只认英文冒号“:”加一个空格：写成 {fix}",
        "{key} is followed by {what}; YAML needs an ASCII colon “:” and a space: write {fix}",
    ),
    "yaml-colon-space": (
        "{key} 后面的冒号“:”之后少了一个空格：写成 {fix}",
        "the colon “:” after {key} needs a space after it: write {fix}",
    ),
    "yaml-unclosed-quote": (
        "这一行的引号 {quote} 没有闭合：写成 {fix}",
        "the quote {quote} opened on this line is never closed: write {fix}",
    ),
    "yaml-unclosed-quote-wide": (
        "这一行的引号 {quote} 以{what}结尾，YAML 不把它当作引号，所以引号没有闭合：写成 {fix}",
        "the quote {quote} opened on this line ends with {what}, which YAML does not read as a quote, so it is "
        "never closed: write {fix}",
    ),
    "yaml-fullwidth": (
        "这一行用了{what}；YAML 只认英文标点：写成 {fix}",
        "this line uses {what}, which YAML does not read as punctuation: write {fix}",
    ),
    "yaml-list-dash": (
        "这一行像是列表的一项，但前面少了“- ”：写成 {fix}",
        "this line looks like a list item but lacks the “- ” in front: write {fix}",
    ),
    "yaml-list-as-text": (
        "{field} 应为列表，这里却是一段文本 {found}{why}：写成 {fix}，或每项单独一行、以“- ”开头",
        "{field} must be a list, but it is the text {found}{why}: write {fix}, or put each item on its own line "
        "starting with “- ”",
    ),
    "yaml-why-fullwidth": ("（其中用了{what}）", " (it uses {what})"),
    "yaml-hint-fullwidth": (
        "；其中用了{what}，YAML 只认英文标点：写成 {fix}",
        "; it uses {what}, which YAML does not read as punctuation: write {fix}",
    ),
    "yaml-hint-colon-space": ("；冒号“:”之后少了一个空格：写成 {fix}", "; the colon “:” needs a space after it: write {fix}"),
    "yaml-char-comma": ("中文逗号“，”", "the full-width comma “，”"),
    "yaml-char-enum-comma": ("顿号“、”", "the enumeration comma “、”"),
    "yaml-char-colon": ("中文冒号“：”", "the full-width colon “：”"),
    "yaml-char-quotes": ("中文引号“ ”", "the full-width quotes “ ”"),
    "yaml-char-single-quotes": ("中文单引号‘ ’", "the full-width single quotes ‘ ’"),
    "yaml-char-wide-quotes": ("全角引号＂ ＇", "the full-width quotes ＂ ＇"),
    "yaml-char-brackets": ("全角方括号［ ］", "the full-width brackets ［ ］"),
    "yaml-char-lenticular": ("中文方括号【 】", "the brackets 【 】"),
    "yaml-char-braces": ("全角花括号｛ ｝", "the full-width braces ｛ ｝"),
    "yaml-char-ideographic-space": ("全角空格“\u3000”", "the full-width space “\u3000”"),
}

# audit14b: an ineffective verification sends the CAPA back to implementing (check-changes)
MESSAGES.update({
    "change-ineffective-status": (
        "{id} 的效果验证结论为无效（verification.effective: false）：status 应改回 implementing（重新实施纠正措施），"
        "不能是 {status}；验证有效后再进入 verification、closed",
        "{id}'s verification found the actions ineffective (verification.effective: false): set status back to "
        "implementing (act again), not {status}; it moves on to verification and closed once a verification is effective"),
    "change-ineffective-amendment": (
        "{id} 的效果验证结论为无效：请在 amendments 列表末尾追加一条修订记录，原因中写明这次失败的验证，例如："
        "- {{date: YYYY-MM-DD, by: 你的人员id, reason: {verified_on} 效果验证无效，重新实施措施}}",
        "{id}'s verification found the actions ineffective: append an entry to its amendments list whose reason names "
        "the failed verification, e.g. - {{date: YYYY-MM-DD, by: your person id, reason: verification of {verified_on} "
        "not effective so actions reopened}}"),
})

# --- audit pack (bulletin audit-pack, issue 14 item 8) ---
MESSAGES.update({
    "pack-bad-date": (
        "{option} 的值 {value} 不是日期：请写成 YYYY-MM-DD，例如 {option} 2026-01-01",
        "{option} {value} is not a date: write it as YYYY-MM-DD, e.g. {option} 2026-01-01"),
    "pack-period-reversed": (
        "--from {start} 晚于 --to {end}：审核期应从较早的日期开始，例如 --from {end} --to {start}",
        "--from {start} is after --to {end}: the period must start first, e.g. --from {end} --to {start}"),
    "pack-out-in-sources": (
        "拒绝把审核包写到 {out}：它在 {folder} 中，那里只放记录和配置。请用 --out 指定其他位置，例如 --out audit-pack.zip",
        "refusing to write the audit pack to {out}: it is inside {folder}, which holds only records and "
        "configuration. Give --out another place, e.g. --out audit-pack.zip"),
    "pack-out-not-zip": (
        "拒绝覆盖 {out}：它已存在，但不是 zip 文件（审核包）。请用 --out 指定一个新的 .zip 文件名",
        "refusing to overwrite {out}: it exists and is not a zip file (an audit pack). Give --out a new .zip file name"),
    "pack-out-suffix": (
        "审核包的文件名应以 .zip 结尾：{out}。例如 --out audit-pack-2026.zip",
        "the audit pack's file name must end in .zip: {out}. E.g. --out audit-pack-2026.zip"),
    "pack-done": (
        "已生成审核包 {out}：审核期 {start} 至 {end}，{records} 条记录，{files} 个文件（{audience}）",
        "audit pack written to {out}: period {start} to {end}, {records} records, {files} files ({audience})"),
    # audit8: site_config/ messages, one language each, with the value and the fix
    "cfg-not-found": ("文件不存在", "file not found"),
    "cfg-not-utf8": ("无法按 UTF-8 读取：{problem}。请另存为 UTF-8", "cannot read as UTF-8: {problem}. Save it as UTF-8"),
    "cfg-duplicate-key": ("键 {key} 重复出现；只保留一个", "the key {key} appears twice; keep only one"),
    "cfg-not-list": ("应为条目列表（每个条目以 - 开头）", "expected a list of entries (each starting with - )"),
    "cfg-not-mapping": ("应为“键: 值”形式的设置", "expected key: value settings"),
    "cfg-language": ("language 只能是 zh 或 en，这里是 {value}", "language must be zh or en, not {value}"),
    "cfg-repository": ("repository 应为 {{host, url, branch}} 映射", "repository: a mapping {{host, url, branch}}"),
    "cfg-repository-host": ("repository.host 只能是 github、gitlab 或 gitea，这里是 {value}",
                            "repository.host must be github, gitlab or gitea, not {value}"),
    "cfg-repository-url": ("repository.url 应为 http(s) 地址，这里是 {value}",
                           "repository.url must be an http(s) address, not {value}"),
    "cfg-repository-branch": ("repository.branch 应为分支名", "repository.branch must be a branch name"),
    "cfg-escalate": ("escalate_after_days 应为 {{head: 天数, management-rep: 天数}}（不小于 0 的整数），这里是 {value}",
                     "escalate_after_days is {{head: days, management-rep: days}} (whole days, 0 or more), not {value}"),
    "cfg-approvals": ("approvals 只能是 declared、authored 或 signed，这里是 {value}",
                      "approvals must be declared, authored or signed, not {value}"),
    "cfg-signing-key": (
        "签名公钥应为一行 OpenSSH 公钥（~/.ssh/id_ed25519.pub 的内容）或 ASCII 格式的 GPG 公钥（gpg --armor --export）",
        "a signing key is one OpenSSH public-key line (ssh-ed25519 AAAA… as in ~/.ssh/id_ed25519.pub) or an "
        "armoured GPG public key (-----BEGIN PGP PUBLIC KEY BLOCK----- …, from gpg --armor --export)"),
    "cfg-signing-keys-list": ("{who}：signing_keys 应为公钥文本列表", "{who}: signing_keys must be a list of public keys (text)"),
    "cfg-trusted-key": ("trusted_commit_keys：{problem}", "trusted_commit_keys: {problem}"),
    "cfg-head-unknown": ("{dept}：部门负责人 {head} 不在 people.yml 中；请先在 people.yml 中添加此人，或改正 head",
                         "{dept}: head {head} is not in people.yml; add the person to people.yml or correct head"),
    "cfg-dept-needs": ("每个部门需要 code 和 name", "each department needs code and name"),
    "cfg-dept-code": ("部门代码 {dept} 只能用大写字母和数字，例如 QA、ENG2", "code {dept}: upper-case letters and digits, e.g. QA, ENG2"),
    "cfg-dept-head": ("{dept}：head 应为人员 id（people.yml 中的 id），这里是 {value}",
                      "{dept}: head must be a person id (an id in people.yml), not {value}"),
    "cfg-person-needs": ("每人需要 id、name、department", "each person needs id, name and department"),
    "cfg-person-id": ("id {value} 应为小写登录名，例如 zhangwei", "id {value}: a lower-case login, e.g. zhangwei"),
    "cfg-no-department": ("{who}：部门 {value} 不在 departments.yml 中", "{who}: department {value} is not in departments.yml"),
    "cfg-department-unknown": ("部门 {value} 不在 departments.yml 中", "department {value} is not in departments.yml"),
    "cfg-role-unknown": ("{who}：未知角色 {value}；可用的角色：{known}", "{who}: unknown role {value}; known: {known}"),
    "cfg-role-form": ("{who}：角色应写成名称或 {{role: gm, since: YYYY-MM-DD, until: YYYY-MM-DD}}，这里是 {value}",
                      "{who}: a role is a name or {{role: gm, since: YYYY-MM-DD, until: YYYY-MM-DD}}, not {value}"),
    "cfg-role-keys": ("{who}：角色中有未知的键 {keys}；角色只能有 role、since、until",
                      "{who}: unknown key {keys} in a role; a role has role, since, until"),
    "cfg-role-needs-role": ("{who}：角色条目缺少 role，例如 {{role: gm, since: 2024-01-01}}",
                            "{who}: a role entry needs role, e.g. {{role: gm, since: 2024-01-01}}"),
    "cfg-role-date": ("{who}：{role} 的 {key} 写的是 {value}，不是有效日期；请写成 YYYY-MM-DD，例如 2024-01-01",
                      "{who}: {role}'s {key} {value} is not a date; write it YYYY-MM-DD, e.g. 2024-01-01"),
    "cfg-role-order": ("{who}：{role} 的 until {until} 早于 since {since}", "{who}: {role}'s until {until} is before since {since}"),
    "cfg-not-text": ("{who}：{key} 应为文本", "{who}: {key} must be text"),
    "cfg-email": ("{who}：{value} 不是电子邮件地址（应含一个 @）", "{who}: email {value} is not an e-mail address (one @)"),
    "cfg-unknown-keys": ("{who}未知的键 {keys}；可用的键：{known}", "{who}unknown keys {keys}; known: {known}"),
    "cfg-schedule-needs": ("每个条目需要 department、kind、due_days、start", "each entry needs department, kind, due_days, start"),
    "cfg-report-kind": ("kind 只能是 monthly、quarterly 或 annual，这里是 {value}",
                        "kind must be monthly, quarterly or annual, not {value}"),
    "cfg-due-days": ("due_days 应为不小于 0 的整数天数，这里是 {value}", "due_days must be a whole number of days, not {value}"),
    "cfg-not-period": ("{key} {value} 不是 {kind} 期间，应写成例如 {example}", "{key} {value} is not a {kind} period, e.g. {example}"),
    "cfg-start-missing": ("缺少 start（第一个应交的期间）", "start (the first period owed) is missing"),
    "cfg-meeting-record": ("record 只能是 meeting（报告不写 record），这里是 {value}",
                           "record must be meeting, or left out for a report, not {value}"),
    "cfg-meeting-kind": ("kind 应为会议类型（{known}），这里是 {value}", "kind must be a meeting kind ({known}), not {value}"),
    "cfg-meeting-every": ("every 应为 week、month、quarter 或 year，这里是 {value}",
                          "every must be week, month, quarter or year, not {value}"),
    "cfg-customer-needs": ("每个客户需要 id 和 name", "each customer needs id and name"),
    "cfg-plain-id": ("id {value} 只能用小写字母、数字和 {extra}", "id {value}: lower-case letters, digits, {extra}"),
    "cfg-customer-name": ("名称 {value} 与客户 {other} 重复", "the name {value} is also customer {other}'s"),
    "cfg-objective-needs": ("每个质量目标需要 id、name、department、target、better、kind",
                            "each objective needs id, name, department, target, better and kind"),
    "cfg-name-missing": ("缺少 name", "name is missing"),
    "cfg-target": ("target 应为数字，这里是 {value}", "target must be a number, not {value}"),
    "cfg-better": ("better 只能是 lower 或 higher，这里是 {value}", "better must be lower or higher, not {value}"),
    "cfg-unit": ("unit 应为文本", "unit must be text"),
    "cfg-prefixed": ("{who}：{problem}", "{who}: {problem}"),
    "codeowners-shape": ("应为 codeowners: 下的“路径: [负责人]”各行", "expected `codeowners:` followed by `path: [owners]` lines"),
    "codeowners-path": ("路径不能含空格：{value}", "a path without spaces, not {value}"),
    "codeowners-role": ("未知角色 role:{value}；可用的角色：{known}", "unknown role role:{value}; known: {known}"),
    "codeowners-person": ("{value} 不在 site_config/people.yml 中；写 people.yml 中的人员 id、role:角色或 @Git 账号",
                          "{value} is not in site_config/people.yml; write a person id from people.yml, role:<role> or @<git account>"),
    # audit8: types.yml (each names where: types.<type>.<field>)
    "types-needs-types": ("types.yml 需要一个映射 types:", "types.yml needs a mapping `types:`"),
    "types-conditions": ("{where}：条件应为“字段: 值”映射", "{where}: conditions must be a mapping field -> value(s)"),
    "types-unknown-key": ("{where}：未知的键 {key}{close}（可用的键：{known}）", "{where}: unknown key {key}{close} (known: {known})"),
    "types-field-mapping": ("{where}：字段应为映射，至少写 kind", "{where}: a field is a mapping with at least kind"),
    "types-unknown-kind": ("{where}：未知的 kind {value}；可用的：{known}", "{where}: unknown kind {value}; known: {known}"),
    "types-object": ("{where}：object 字段应写 struct 或 fields", "{where}: an object names a struct or lists its fields"),
    "types-choice": ("{where}：choice 字段需要 values", "{where}: a choice needs values"),
    "types-bound": ("{where}：{bound} 应为数字，这里是 {value}", "{where}: {bound} must be a number, not {value}"),
    "types-periods": ("{where}：periods 只能取 {known} 中的值", "{where}: periods are some of {known}"),
    "types-label": ("{where}.label：写一段文字，或 {{zh: 中文名, en: English name}}",
                    "{where}.label: write a text, or {{zh: 中文名, en: English name}}"),
    "types-type-mapping": ("types.{name}：类型应为映射（folder、prefix、fields …）",
                           "types.{name}: a type is a mapping (folder, prefix, fields …)"),
    "types-required": ("types.{name}：缺少 {key}", "types.{name}: {key} is required"),
    "types-unknown-rule": ("types.{name}：未知规则 {value}；可用的：{known}", "types.{name}: unknown rule {value}; known: {known}"),
    "types-no-field": ("types.{name}：starts_from/unique 指向不存在的字段 {value}",
                       "types.{name}: starts_from/unique name no field: {value}"),
    "types-whole": ("{where}：应为不小于 1 的整数，这里是 {value}", "{where}: a whole number of at least 1, not {value}"),
    "types-receipts": ("{where}.receipts：应为含 from 的映射（from 是列出应签收人员的字段）",
                       "{where}.receipts: a mapping with from (the field listing who owes a receipt)"),
    "types-did-you-mean": ("；是不是 {close}？", "; did you mean {close}?"),
})

WHEN: dict[str, tuple[str, str]] = {
    "is": ("{field} 为 {value} ", "{field} is {value}"),
    "from": ("状态为 {value} 或之后", "status is {value} or later"),
    "not": ("{field} 不是 {value} ", "{field} is not {value}"),
    "and": ("，且 ", " and "),
}


class Text(str):
    """A word or phrase shown in the reader's language: Text("列表", "a list")."""

    def __new__(cls, zh: str, en: str):
        obj = super().__new__(cls, en)
        obj.zh = zh
        return obj

    def localize(self, lang: str) -> str:
        return self.zh if lang == "zh" else str(self)

    def __getnewargs__(self):   # pickled with both languages
        return (self.zh, str(self))


def say(code: str, /, **args) -> Text:
    """A message in both languages, shown in the reader's (a value for another message's {problem})."""
    return Text(render(code, "zh", **args), render(code, "en", **args))


def join_text(parts, zh: str = "；", en: str = "; ") -> Text:
    """Messages joined, each language with its own separator."""
    parts = list(parts)
    return Text(zh.join(getattr(p, "zh", str(p)) for p in parts), en.join(str(p) for p in parts))


KIND_OF_VALUE = {
    "NoneType": Text("空值", "empty"), "list": Text("列表", "a list"), "dict": Text("映射", "a mapping"),
    "str": Text("文本", "text"), "int": Text("数字", "a number"), "float": Text("数字", "a number"),
    "bool": Text("布尔值", "true/false"), "date": Text("日期", "a date"), "datetime": Text("日期时间", "a date and time"),
}


def kind_of(value) -> str:
    """What a YAML value is, in words ("a list"), never a Python type name."""
    return KIND_OF_VALUE.get(type(value).__name__, Text("其他值", "another value"))


def render(code: str, lang: str, **args) -> str:
    zh, en = MESSAGES[code]
    template = en if lang == "en" else zh
    args = {k: (v.localize(lang) if hasattr(v, "localize") else v) for k, v in args.items()}
    try:
        return template.format(**args)
    except (KeyError, IndexError):
        return template


def describe_when(conditions: list[tuple[str, str, str]], lang: str) -> str:
    """Phrases like 'status is approved and kind is management-review'."""
    i = 1 if lang == "en" else 0
    parts = [WHEN[op][i].format(field=f, value=v).strip() for op, f, v in conditions]
    text = WHEN["and"][i].join(parts)
    return text + " " if not i and text[-1:].isascii() else text  # zh: 「… 为 x 时」, 「… 或之后时」
