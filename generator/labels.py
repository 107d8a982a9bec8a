"""The site's own words (page titles, column names, states, value names), in Chinese and English."""

from __future__ import annotations

UI: dict[str, tuple[str, str]] = {
    "board": ("公告栏", "Bulletin board"),
    "active_notices": ("当前公告", "Notices in force"),
    "no_notices": ("目前没有生效的公告", "No notice is in force"),
    "latest_minutes": ("最新会议纪要", "Latest minutes"),
    "capa_summary": ("CAPA 概况", "CAPA summary"),
    "open": ("进行中", "Open"),
    "overdue": ("已逾期", "Overdue"),
    "closed_this_month": ("本月关闭", "Closed this month"),
    "pinned": ("置顶", "Pinned"),
    "issued_by": ("发布部门", "Issued by"),
    "effective": ("生效", "Effective"),
    "expires": ("失效", "Expires"),
    "no_expiry": ("长期有效", "No expiry"),
    "audience": ("发布对象", "Audience"),
    "all_staff": ("全体员工", "All staff"),
    "notice_archive": ("通知公告", "Notices"),
    "meetings": ("会议纪要", "Meeting minutes"),
    "capa": ("纠正预防措施（CAPA）", "CAPA"),
    "reports": ("部门报告", "Reports"),
    "capa_board": ("CAPA 看板", "CAPA board"),
    "actions": ("行动项跟踪", "Action tracker"),
    "report_matrix": ("报告提交情况", "Report completeness"),
    "kpi": ("绩效指标", "KPIs"),
    "archive": ("归档", "Archive"),
    "by_year": ("按年份", "By year"),
    "by_department": ("按部门", "By department"),
    "departments": ("部门", "Departments"),
    "people": ("人员", "People"),
    "guide": ("提交指南", "Contributor guide"),
    "exports": ("订阅与导出", "Feeds and exports"),
    "state": ("状态", "State"),
    "days_late": ("逾期天数", "Days late"),
    "days_late_n": ("逾期 {n} 天", "{n} days late"),
    "age_n": ("已 {n} 天", "{n} days old"),
    "due": ("期限", "Due"),
    "owner": ("负责人", "Owner"),
    "item": ("事项", "Item"),
    "source": ("来源记录", "From"),
    "backlinks": ("引用本记录的记录", "Referred to by"),
    "no_backlinks": ("没有其他记录引用本记录", "No record refers to this one"),
    "hidden_ref": ("一条受限记录（无权查看）", "a record you may not see"),
    "history": ("修改历史", "History"),
    "created": ("创建", "Created"),
    "last_changed": ("最后修改", "Last changed"),
    "no_history": ("没有 Git 历史", "No Git history"),
    "shallow": ("浅克隆：历史不完整", "shallow clone: history incomplete"),
    "hidden_commit": ("（该提交涉及受限记录，说明不予显示）", "(this commit concerns a record you may not see: its message is not shown)"),
    "date": ("日期", "Date"),
    "author": ("作者", "Author"),
    "message": ("说明", "Message"),
    "withdrawn_banner": ("本记录已作废", "This record is withdrawn"),
    "open_items": ("未完成事项", "Open items"),
    "owned_records": ("负责的记录", "Records owned"),
    "reports_owed": ("应交报告", "Reports owed"),
    "none": ("无", "None"),
    "period": ("期间", "Period"),
    "department": ("部门", "Department"),
    "kind": ("类型", "Kind"),
    "id": ("编号", "ID"),
    "title": ("标题", "Title"),
    "count": ("数量", "Count"),
    "capa_opened_closed": ("每月新开 / 关闭的 CAPA", "CAPAs opened / closed per month"),
    "opened": ("新开", "Opened"),
    "closed": ("关闭", "Closed"),
    "on_time_rate": ("按期关闭率（%）", "On-time closure rate (%)"),
    "mean_days": ("平均关闭天数", "Mean days to close"),
    "overdue_month_end": ("月末逾期 CAPA 数", "Overdue CAPAs at month end"),
    "notices_meetings": ("每月公告 / 会议数", "Notices and meetings per month"),
    "extended": ("延期过的 CAPA", "CAPAs with an extended due date"),
    "filter": ("筛选", "Filter"),
    "all": ("全部", "All"),
    "shown": ("显示 {shown} / {total} 条", "{shown} of {total} shown"),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "no_rows": ("没有符合条件的记录", "No matching record"),
    "download_csv": ("下载 CSV（Excel）", "Download CSV (Excel)"),
    "feed_notices": ("公告订阅（Atom）", "Notice feed (Atom)"),
    "feed_rss": ("公告订阅（RSS）", "Notice feed (RSS)"),
    "calendar": ("会议与期限日历（可在 Outlook 订阅）", "Meetings and due dates calendar (subscribe in Outlook)"),
    "records_json": ("全部记录（JSON）", "All records (JSON)"),
    "legend": ("图例", "Legend"),
    "action": ("行动项", "Action"),
    "n_records": ("{n} 条记录", "{n} records"),
    # v2: the communication pages (complaints, NCs, surveys, memos, contacts, customers, objectives, receipts)
    "complaints": ("顾客投诉", "Complaints"),
    "complaint_board": ("投诉看板", "Complaint board"),
    "nc_board": ("不符合项看板", "Nonconformity board"),
    "survey_trend": ("满意度趋势", "Satisfaction trend"),
    "memo_board": ("内部联络单跟踪", "Memo tracker"),
    "contact_log": ("外部沟通台账", "External communication log"),
    "objectives": ("质量目标", "Quality objectives"),
    "customers": ("客户档案", "Customer files"),
    "overall": ("总体", "Overall"),
    "target": ("目标", "Target"),
    "value": ("实际", "Actual"),
    "latest": ("最近一期", "Latest"),
    "met_n": ("达成 {met} / {total} 期", "met {met} of {total} periods"),
    "complaints_per_month": ("每月顾客投诉数", "Complaints received per month"),
    "mean_days_to_respond": ("平均回复天数", "Mean days to respond"),
    "nc_found_closed": ("每月发现 / 关闭的不符合项", "Nonconformities found / closed per month"),
    "nc_found": ("发现不符合项", "NCs found"),
    "nc_closed": ("关闭不符合项", "NCs closed"),
    "nc_closure_rate": ("不符合项关闭率（%）", "NC closure rate (%)"),
    "open_ncs": ("未关闭不符合项", "Open NCs"),
    "open_complaints": ("未关闭投诉", "Open complaints"),
    "overdue_responses": ("逾期未回复", "Responses overdue"),
    "found": ("发现", "Found"),
    "response_due": ("投诉回复期限", "Response due"),
    "reply_due": ("联络单回复期限", "Reply due"),
    "memos": ("内部联络单", "Memos"),
    "days_to_respond": ("回复天数", "Days to respond"),
    "days_to_respond_n": ("{n} 天回复", "responded in {n} days"),
    "responded_on_time": ("按期回复", "Responded on time"),
    "closed_or_cancelled": ("已关闭 / 已取消", "Closed or cancelled"),
    "capa_status": ("CAPA 状态", "CAPA status"),
    "grade_by_department": ("按等级和部门", "By grade and department"),
    "total": ("合计", "Total"),
    "to_answer": ("待本部门回复", "To answer"),
    "sent": ("本部门发出（未关闭）", "Sent (not closed)"),
    "receipts": ("签收", "Receipts"),
    "receipts_owed": ("待签收", "Receipts owed"),
    "signed": ("已签收", "Signed"),
    "not_signed": ("未签收", "Not signed"),
    "meetings_owed": ("例会召开情况", "Recurring meetings held"),
    "surveys": ("满意度调查", "Satisfaction surveys"),
    "contacts": ("沟通记录", "Contacts"),
    "contact_person": ("联系人", "Contact"),
    "party": ("对方", "Party"),
    "overall_mean": ("总体（评分平均）", "Overall (mean of scores)"),
    # issue 13 (phone13): words a reader understands, and the printed copy
    "late_own_n": ("逾期 {n} 天（CAPA 期限 {due}）", "{n} days late (the CAPA's due date, {due})"),
    "late_action_n": ("行动项逾期 {n} 天", "an action is {n} days late"),
    "closed_late_n": ("逾期关闭（晚 {n} 天）", "closed {n} days late"),
    "done_late_n": ("晚 {n} 天完成", "done {n} days late"),
    "done_on": ("完成日期", "Done on"),
    "draft_mark": ("草稿", "Draft"),
    "superseded_banner": ("本公告已被替代", "This notice is superseded"),
    "superseded_by": ("现行版本", "In force instead"),
    "print_doc": ("文件编号", "Document number"),
    "print_rev": ("版本", "Revision"),
    "print_date": ("打印日期", "Printed on"),
    "uncontrolled": ("打印件为非受控文件", "Uncontrolled when printed"),
    "page_of": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "approved_sign": ("批准", "Approved"),
    "approved_date": ("批准日期", "Approved on"),
    "sign_line": ("签字", "Signature"),
    "action_items_suffix": ("（行动项）", " (action items)"),
}

# Names of field values, by field. Values not listed show as written.
VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "status": {
        "draft": ("草稿", "Draft"), "approved": ("已批准", "Approved"),
        "open": ("已立项", "Open"), "analysis": ("分析中", "Analysis"), "implementing": ("实施中", "Implementing"),
        "verification": ("验证中", "Verification"), "closed": ("已关闭", "Closed"), "cancelled": ("已取消", "Cancelled"),
    },
    "action_status": {"open": ("未完成", "Open"), "done": ("已完成", "Done"), "cancelled": ("已取消", "Cancelled")},
    "notice_state": {
        "active": ("生效中", "In force"), "scheduled": ("待生效", "Scheduled"), "expired": ("已失效", "Expired"),
        "superseded": ("已被替代", "Superseded"), "withdrawn": ("已作废", "Withdrawn"),
    },
    "report_state": {
        "on-time": ("按时", "On time"), "late": ("迟交", "Late"), "missing": ("未交", "Missing"),
        "pending": ("未到期", "Not yet due"),
    },
    "kind": {
        "management-review": ("管理评审", "Management review"), "management": ("管理会议", "Management meeting"),
        "department": ("部门会议", "Department meeting"), "project": ("项目会议", "Project meeting"),
        "other": ("其他", "Other"), "monthly": ("月报", "Monthly"), "quarterly": ("季报", "Quarterly"),
        "annual": ("年报", "Annual"),
    },
    "category": {
        "announcement": ("公告", "Announcement"), "policy": ("方针/制度", "Policy"), "rule": ("规定", "Rule"),
        "circular": ("通报", "Circular"), "manual": ("手册", "Manual"), "other": ("其他", "Other"),
    },
    "source": {
        "customer-complaint": ("客户投诉", "Customer complaint"), "internal-audit": ("内部审核", "Internal audit"),
        "external-audit": ("外部审核", "External audit"), "management-review": ("管理评审", "Management review"),
        "process": ("过程异常", "Process"), "supplier": ("供应商", "Supplier"), "other": ("其他", "Other"),
    },
    "visibility": {
        "all-staff": ("全体员工", "All staff"), "management": ("管理层", "Management"),
        "restricted": ("受限", "Restricted"),
    },
    "bool": {"true": ("是", "Yes"), "false": ("否", "No")},
}

# v2 record types: names of their new values
VALUES["status"].update({
    "received": ("已接收", "Received"), "investigating": ("调查中", "Investigating"),
    "responded": ("已回复客户", "Responded"), "acknowledged": ("已确认", "Acknowledged"),
    "replied": ("已回复", "Replied"),
})
VALUES["kind"]["consultation"] = ("协商会议", "Consultation")
VALUES.update({
    "channel": {
        "phone": ("电话", "Phone"), "email": ("电子邮件", "E-mail"), "visit": ("来访/拜访", "Visit"),
        "portal": ("客户平台", "Portal"), "letter": ("信函", "Letter"), "meeting": ("会议", "Meeting"),
        "negotiation": ("谈判", "Negotiation"), "exhibition": ("展会", "Exhibition"), "other": ("其他", "Other"),
    },
    "severity": {"minor": ("一般", "Minor"), "major": ("严重", "Major"), "critical": ("重大", "Critical")},
    "audit": {
        "internal": ("内部审核", "Internal audit"), "external": ("外部审核", "External audit"),
        "customer": ("客户审核", "Customer audit"), "process": ("过程审核", "Process audit"),
        "product": ("产品审核", "Product audit"),
    },
    "grade": {"major": ("严重不符合", "Major"), "minor": ("一般不符合", "Minor"), "observation": ("观察项", "Observation")},
    "party_kind": {
        "customer": ("客户", "Customer"), "supplier": ("供应商", "Supplier"),
        "certification-body": ("认证机构", "Certification body"), "authority": ("政府部门", "Authority"),
        "industry": ("行业组织", "Industry body"), "owner": ("股东/业主", "Owner"), "other": ("其他", "Other"),
    },
    "every": {"week": ("每周", "Weekly"), "month": ("每月", "Monthly"), "quarter": ("每季度", "Quarterly"),
              "year": ("每年", "Yearly")},
    "better": {"lower": ("越低越好", "Lower is better"), "higher": ("越高越好", "Higher is better")},
    "objective_state": {"met": ("达成", "Met"), "missed": ("未达成", "Missed")},
    "meeting_state": {"held": ("已召开", "Held"), "due": ("本期待开", "Due"), "missed": ("未召开", "Missed")},
})
# issue 13: the roles of people.yml, by name
VALUES["role"] = {
    "gm": ("总经理", "General manager"), "management-rep": ("管理者代表", "Management representative"),
    "qa": ("质量工程师", "Quality engineer"), "auditor": ("内审员", "Internal auditor"),
}


class Words:
    """The site's words in one language."""

    def __init__(self, lang: str):
        self.lang = lang
        self.i = 1 if lang == "en" else 0

    def __call__(self, key: str, **args) -> str:
        text = UI[key][self.i]
        return text.format(**args) if args else text

    def value(self, group: str, value) -> str:
        pair = VALUES.get(group, {}).get(str(value))
        return pair[self.i] if pair else ("" if value is None else str(value))
