"""Synthetic, valid record repositories for the benchmark: deterministic for a given (n, seed).

    generate(dest, n, seed=1)

writes dest/site_config/ (site, departments, people, schedule with meetings owed, customers,
objectives) and n records under dest/records/<folder>/<year>/<ID>-<slug>.md in the contract
format: meetings 27 %, notices 13 %, CAPAs 20 %, reports 26 %, and the v2 types: complaints 3 %,
NCs 4 %, surveys 1 %, memos 3 %, external contacts 3 %; dated 2016-01-01 .. 2026-11-24, every
status, references between them (related, supersedes, CAPA source_ref -> meeting, meeting
action -> CAPA, complaint and NC -> CAPA, relative links in bodies), receipts on management
reviews and notices to acknowledge, metrics in reports, some management/restricted/withdrawn.

One department files at most one report per kind and period, and a ten-year company
of ten departments has only about 1,800 such slots; so the company grows with N: a
group of plants (工厂), each with the same ten departments and 20 people per department.
N = 1,000 is one plant (10 departments, 200 people); 10,000 is two; 100,000 is twenty.

Also runnable:  python -m benchmarks.synth DEST N [--seed S]
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
import os
import random
import re
import sys
from pathlib import Path

START = dt.date(2016, 1, 1)
TODAY = dt.date(2026, 11, 24)  # the benchmark builds with --today 2026-11-24
SHARE = {"meeting": 0.27, "notice": 0.13, "capa": 0.20, "report": 0.26,
         "complaint": 0.03, "nc": 0.04, "survey": 0.01, "memo": 0.03, "contact": 0.03}
FOLDER = {"meeting": "meetings", "notice": "notices", "capa": "capa", "report": "reports",
          "complaint": "complaints", "nc": "nc", "survey": "surveys", "memo": "memos", "contact": "external"}
PREFIX = {"meeting": "MTG", "notice": "NTC", "capa": "CAPA", "report": "RPT",
          "complaint": "CMP", "nc": "NC", "survey": "CSS", "memo": "MEMO", "contact": "EXT"}
V2 = ("complaint", "nc", "survey", "memo", "contact")
PEOPLE_PER_DEPT = 20

# --- registries --------------------------------------------------------------------------

DEPARTMENTS = [  # code, name, name_en
    ("GM", "总经理办公室", "General Manager's Office"),
    ("QA", "品管部", "Quality Assurance"),
    ("PRD", "生产部", "Production"),
    ("ENG", "工程技术部", "Engineering"),
    ("PUR", "采购部", "Purchasing"),
    ("HR", "人事行政部", "HR & Administration"),
    ("LOG", "物流部", "Logistics"),
    ("FIN", "财务部", "Finance"),
    ("SAL", "销售部", "Sales"),
    ("MNT", "设备部", "Maintenance"),
]
PLANTS = ["苏州总厂", "无锡工厂", "常州工厂", "南通工厂", "嘉兴工厂", "芜湖工厂", "武汉工厂", "重庆工厂",
          "长春工厂", "天津工厂", "佛山工厂", "青岛工厂", "成都工厂", "西安工厂", "宁波工厂", "合肥工厂",
          "郑州工厂", "沈阳工厂", "柳州工厂", "南昌工厂"]
SURNAMES = [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
            ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"),
            ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("高", "gao"),
            ("林", "lin"), ("罗", "luo"), ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"),
            ("唐", "tang"), ("许", "xu"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"),
            ("彭", "peng"), ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"), ("董", "dong"), ("潘", "pan"),
            ("袁", "yuan"), ("蔡", "cai"), ("蒋", "jiang"), ("余", "yu")]
GIVEN = [("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
         ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"),
         ("杰", "jie"), ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀英", "xiuying"), ("华", "hua"),
         ("建国", "jianguo"), ("海涛", "haitao"), ("晓燕", "xiaoyan"), ("志强", "zhiqiang"), ("红", "hong"),
         ("宇", "yu"), ("鹏", "peng"), ("斌", "bin"), ("辉", "hui"), ("俊", "jun"), ("婷", "ting"),
         ("雪", "xue"), ("浩", "hao"), ("欣怡", "xinyi"), ("子涵", "zihan"), ("建华", "jianhua"),
         ("玉兰", "yulan"), ("国强", "guoqiang"), ("文", "wen"), ("凯", "kai"), ("琳", "lin"), ("波", "bo")]

# --- text pools ---------------------------------------------------------------------------

CUSTOMERS = ["华东汽车", "长江汽车", "北方重卡", "南方新能源", "蓝海电动", "星辰汽车", "天宇商用车", "远航汽车",
             "Meridian Motors", "Nordwerk AG"]
PART_FAMILIES = ["CP", "BK", "SH", "HS", "PL", "BR"]
MEETING_TOPICS = {
    "department": [("{dept}月度质量例会", "monthly-quality-meeting"), ("{dept}周例会", "weekly-meeting"),
                   ("{dept}班组长沟通会", "team-leader-briefing"), ("{dept}KPI回顾会", "kpi-review"),
                   ("{dept}5S与安全检查总结", "5s-safety-review"), ("{dept}培训计划评审", "training-plan")],
    "management": [("经营分析会", "business-review"), ("安全生产专题会", "safety-meeting"),
                   ("年度预算评审会", "budget-review"), ("产能规划会议", "capacity-planning"),
                   ("客户满意度分析会", "customer-satisfaction"), ("质量成本分析会", "cost-of-quality")],
    "project": [("{cust}{part}项目APQP启动会", "apqp-kickoff"), ("{part}PPAP提交评审", "ppap-review"),
                ("{part}首件鉴定评审", "first-article-review"), ("{part}试生产总结会", "trial-run-review"),
                ("{cust}新项目可行性评审", "feasibility-review"), ("{part}工程变更评审", "engineering-change")],
    "management-review": [("{year}年度管理评审会议", "annual-management-review"),
                          ("{year}年中管理评审会议", "midyear-management-review")],
    "other": [("消防演练总结会", "fire-drill-review"), ("{cust}客户来访准备会", "customer-visit-prep"),
              ("质量月活动总结会", "quality-month-review"), ("合理化建议评审会", "suggestion-review")],
}
NOTICE_TOPICS = {
    "policy": [("质量方针与质量目标", "quality-policy", "QM-POL"), ("环境与职业健康安全方针", "ehs-policy", "EHS-POL"),
               ("信息安全方针", "infosec-policy", "IT-POL"), ("供应商质量管理方针", "supplier-quality-policy", "PUR-POL")],
    "rule": [("劳动防护用品穿戴管理规定", "ppe-rule", "HR-RUL"), ("不合格品控制程序", "nonconforming-product", "QP-RUL"),
             ("量检具管理规定", "gauge-control", "QP-RUL"), ("变更管理规定", "change-management", "ENG-RUL"),
             ("首件检验管理规定", "first-article-inspection", "QP-RUL"), ("防错装置点检规定", "error-proofing-check", "PRD-RUL"),
             ("仓库先进先出管理规定", "fifo-rule", "LOG-RUL"), ("设备预防性维护规定", "preventive-maintenance", "MNT-RUL")],
    "manual": [("质量手册", "quality-manual", "QM-MAN"), ("控制计划编制指南", "control-plan-guide", "ENG-MAN"),
               ("内审员手册", "internal-auditor-manual", "QA-MAN"), ("特殊特性管理手册", "special-characteristics", "ENG-MAN")],
    "circular": [("关于开展{year}年安全生产月活动的通知", "safety-month"), ("关于{month}月停电检修的通知", "power-maintenance"),
                 ("关于开展IATF 16949内部审核的通知", "internal-audit"), ("关于开展{year}年质量月活动的通知", "quality-month"),
                 ("关于调整班车路线的通知", "shuttle-bus"), ("关于{cust}客户审核的通知", "customer-audit"),
                 ("关于开展消防演练的通知", "fire-drill"), ("关于年度体检安排的通知", "health-check")],
    "announcement": [("{year}年春节放假安排", "spring-festival"), ("{year}年国庆节放假安排", "national-day"),
                     ("食堂菜单调整公告", "canteen-menu"), ("{year}年度优秀员工表彰", "employee-awards"),
                     ("新员工入职欢迎", "new-hires"), ("厂区道路施工公告", "road-works")],
    "other": [("合理化建议征集", "suggestion-campaign"), ("员工满意度调查", "employee-survey"),
              ("工装发放安排", "uniform-distribution"), ("图书角开放公告", "library-corner")],
}
CAPA_TOPICS = [("{part}安装孔毛刺超标", "burr-mounting-hole"), ("{part}关键尺寸超差", "dimension-out-of-tolerance"),
               ("{part}焊接强度不足", "weak-weld"), ("{part}螺栓扭矩不足", "low-bolt-torque"),
               ("{part}电镀层厚度不足", "thin-plating"), ("来料硬度不合格", "incoming-hardness"),
               ("包装标签错误", "wrong-label"), ("{part}混料", "mixed-parts"), ("量检具超期未校准", "gauge-overdue"),
               ("首件检验记录缺失", "missing-first-article"), ("SPC控制图未及时更新", "spc-not-updated"),
               ("作业指导书版本错误", "wrong-work-instruction"), ("{part}防错装置失效", "error-proofing-failure"),
               ("{part}表面生锈", "rust"), ("{part}漏装垫片", "missing-washer"), ("PFMEA未按变更更新", "pfmea-not-updated"),
               ("供应商过程变更未通知", "supplier-change"), ("注塑件缩痕", "sink-marks"),
               ("{part}密封性测试泄漏", "leak-test-failure"), ("{part}表面划伤", "surface-scratches")]
CAPA_SOURCES = [("customer-complaint", 25), ("internal-audit", 20), ("external-audit", 5), ("management-review", 5),
                ("process", 30), ("supplier", 10), ("other", 5)]
TAGS = ["IATF 16949", "客诉", "8D", "内审", "外审", "SPC", "MSA", "PPAP", "APQP", "FMEA", "防错", "5S", "安全生产",
        "供应商", "培训", "计量", "冲压", "焊接", "机加工", "注塑", "装配", "物流", "成本", "KPI"]
ROOMS = ["一号会议室", "二号会议室", "培训教室", "生产现场", "Teams online", "总经理办公室"]

ZH = [
    "本期客户PPM为{ppm}，目标≤50，{trend}。",
    "一次合格率{fpy}%，较上期{updown}{d1}个百分点。",
    "对{part}的关键尺寸进行了SPC分析，Cpk由{c1}提升到{c2}。",
    "现场共发现{k}项不符合，已全部录入问题清单并指定责任人。",
    "按IATF 16949条款{clause}的要求，相关程序文件已完成修订。",
    "{cust}反馈的问题已在24小时内完成遏制，库存{k2}件全部挑选。",
    "会议要求各部门将目标分解到班组，并在下月例会上汇报进展。",
    "冲压车间模具刃磨改为按冲次管理，每{k3}万次强制刃磨。",
    "供应商{sup}的来料批次合格率为{fpy}%，需提交改进计划。",
    "新员工岗前培训共{k}人，考核全部通过。",
    "三坐标测量机的校准已完成，测量系统GR&R为{grr}%。",
    "设备综合效率OEE为{oee}%，主要损失来自换型时间。",
    "针对{part}的分层审核（LPA）本月共执行{k}次，发现问题{k4}项。",
    "已更新控制计划和作业指导书，并对操作员完成培训。",
    "本次审核共抽查记录{k2}份，未发现系统性问题。",
    "仓库库存周转天数为{k3}天，呆滞物料已申请报废处理。",
    "质量成本中内部损失为{money}元，外部损失为{money2}元。",
    "请各部门于{month}月{day}日前提交整改计划。",
    "5Why分析表明，根本原因在于过程参数未受控。",
    "防错装置每班开班前点检，点检记录由班组长确认。",
    "横向展开到同类产品线，共涉及{k}个零件号。",
    "客户要求在{k}个工作日内提交8D报告的D3至D5部分。",
]
EN = [
    "Customer PPM this period is {ppm} against a target of 50.",
    "First pass yield reached {fpy}% on line {line}.",
    "The Cpk of the bore diameter improved from {c1} to {c2} after the fixture change.",
    "All {k} findings were logged and assigned an owner and a due date.",
    "The control plan and the PFMEA were reviewed by the cross-functional team.",
    "Containment was completed within 24 hours; {k2} parts were sorted at the customer site.",
    "Layered process audits were carried out {k} times this month.",
    "Supplier {sup} must submit a corrective action plan within two weeks.",
    "OEE on line {line} was {oee}%, mainly limited by changeover time.",
    "Gauge R&R of the new CMM program is {grr}%, which is acceptable.",
    "Training records for {k} operators were verified during the audit.",
    "The team confirmed that the error-proofing device detects a missing washer.",
    "Action items that are overdue will be escalated to the general manager.",
    "Cost of poor quality this quarter: CNY {money}.",
    "The next review is scheduled for {month}/{day}.",
]
LIST_ZH = ["明确责任人和完成期限", "更新PFMEA和控制计划", "对操作员进行再培训", "增加首件和末件检验",
           "修订作业指导书并发放到现场", "建立供应商月度评分机制", "增加在线视觉检测", "完善量检具台账和到期提醒",
           "开展同类产品横向排查", "优化换型流程（SMED）", "每周跟踪行动项关闭情况", "更新客户特殊要求（CSR）矩阵"]
LIST_EN = ["Review the control plan with the customer", "Verify the error-proofing device every shift",
           "Update the supplier scorecard", "Extend the layered process audit to line {line}",
           "Re-train operators on the revised work instruction", "Close open 8D reports before month end"]
ACTION_TEXTS = LIST_ZH + ["完成{part}的过程能力研究", "提交{cust}的8D报告", "评审{part}的防错方案",
                          "Validate the new gauge for {part}", "Submit PPAP documents for {part}"]
CANCEL_REASONS = ["经调查为客户装配问题，非我司责任", "与另一CAPA重复，合并处理", "客户撤回投诉",
                  "产品已停产，不再适用", "Duplicate of another CAPA; merged"]
WITHDRAW_REASONS = ["录入错误，重复记录", "误建记录，作废", "entered in error: duplicate of another record",
                    "内容归入其他记录，本记录作废"]
AMEND_REASONS = ["补充遗漏的参会人员", "更正行动项负责人", "更正验证证据中的批次号", "补充客户确认邮件的日期",
                 "typo in the root cause corrected"]
TRENDS = ["持续改善", "略有上升", "达成目标", "未达目标，需重点关注"]
HEADINGS = {
    "meeting": [("会议议题", "Agenda"), ("讨论内容", "Discussion"), ("会议决议", "Decisions")],
    "notice": [("目的", "Purpose"), ("具体要求", "Requirements"), ("其他事项", "Notes")],
    "capa": [("问题描述", "Problem description"), ("遏制措施", "Containment"), ("根本原因分析", "Root cause"),
             ("纠正措施", "Corrective actions"), ("效果验证", "Verification")],
    "report": [("本期概况", "Summary"), ("问题与改进", "Issues and improvements"), ("下期计划", "Next period")],
    "complaint": [("投诉内容", "Complaint"), ("调查", "Investigation"), ("回复客户", "Response")],
    "nc": [("不符合事实", "Finding"), ("审核证据", "Evidence"), ("整改要求", "Required action")],
    "survey": [("调查概况", "Summary"), ("客户意见", "Customer comments"), ("改进计划", "Improvements")],
    "memo": [("联络事项", "Request"), ("背景", "Background"), ("期望回复", "Reply wanted")],
    "contact": [("沟通内容", "Discussion"), ("结论", "Outcome"), ("后续事项", "Follow-up")],
}
COMPLAINT_TOPICS = [("{cust}投诉：{part}毛刺", "burr"), ("{cust}投诉：{part}尺寸超差", "dimension"),
                    ("{cust}投诉：包装破损", "damaged-packaging"), ("{cust}投诉：{part}混料", "mixed-parts"),
                    ("{cust}投诉：交付延迟", "late-delivery"), ("{cust}投诉：标签错误", "wrong-label"),
                    ("{cust}投诉：{part}生锈", "rust")]
NC_TOPICS = [("校准记录缺失", "calibration-records"), ("作业指导书版本不受控", "work-instruction-version"),
             ("培训记录不完整", "training-records"), ("首件检验未执行", "first-article"),
             ("不合格品未标识", "nonconforming-unlabelled"), ("PFMEA未更新", "pfmea-outdated"),
             ("供应商评价超期", "supplier-evaluation"), ("内审计划未覆盖全部过程", "audit-plan")]
CLAUSES = ["IATF 16949 7.1.5.2.1", "IATF 16949 7.2.1", "IATF 16949 8.5.1.1", "IATF 16949 8.7.1.4",
           "IATF 16949 9.2.2.1", "ISO 9001 7.5.3", "ISO 9001 8.4.1", "IATF 16949 8.3.3.3"]
MEMO_TOPICS = [("请协助提供{part}检验数据", "inspection-data"), ("请确认{part}图纸版本", "drawing-revision"),
               ("关于借用量检具的联络", "borrow-gauges"), ("请安排设备点检", "equipment-check"),
               ("关于调整交付计划的联络", "delivery-plan"), ("请提供培训签到表", "training-records")]
CONTACT_TOPICS = {
    "customer": [("{cust}季度业务回顾", "business-review"), ("{cust}来访接待", "customer-visit"),
                 ("{cust}质量问题电话沟通", "quality-call")],
    "supplier": [("供应商{sup}质量约谈", "supplier-meeting"), ("供应商{sup}价格谈判", "price-negotiation")],
    "certification-body": [("认证机构监督审核", "surveillance-audit"), ("认证机构换证审核", "recertification")],
    "authority": [("市场监管局检查", "authority-inspection"), ("环保部门走访", "environment-visit")],
    "industry": [("行业协会年会", "industry-meeting"), ("汽车零部件展会", "exhibition")],
}
PARTY = {"certification-body": ["某认证有限公司", "TÜV Rheinland", "SGS"], "authority": ["市场监督管理局", "生态环境局"],
         "industry": ["汽车工业协会", "零部件行业协会"]}
SURVEY_CRITERIA = ["quality", "delivery", "service", "price"]

PLAIN = re.compile(r"[\u4e00-\u9fffA-Za-z][^\[\]{},\n]*")  # then no ": ", " #" and no ":" at the end
RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def q(text: str) -> str:
    """A YAML scalar for text: plain where that is safe, else double-quoted (JSON is valid YAML)."""
    if (PLAIN.fullmatch(text) and text[-1] not in " :" and ": " not in text and " #" not in text
            and text.lower() not in RESERVED):
        return text
    return json.dumps(text, ensure_ascii=False)


def scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, dt.date)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, Raw):
        return str(value)
    return q(value)


class Raw(str):
    """Written as is (periods like 2026-10, which YAML reads as text anyway)."""


def emit(fields: list[tuple[str, object]]) -> str:
    out = []
    for key, value in fields:
        if isinstance(value, list) and value and isinstance(value[0], dict):
            out.append(f"{key}:")
            for item in value:
                first = True
                for k, v in item.items():
                    out.append(f"  {'- ' if first else '  '}{k}: {scalar(v)}")
                    first = False
        elif isinstance(value, list):
            out.append(f"{key}: [{', '.join(scalar(v) for v in value)}]")
        elif isinstance(value, dict):
            out.append(f"{key}:")
            out.extend(f"  {k}: {scalar(v)}" for k, v in value.items())
        else:
            out.append(f"{key}: {scalar(value)}")
    return "\n".join(out)


# --- the plan -----------------------------------------------------------------------------

class Rec:
    __slots__ = ("type", "date", "plant", "dept", "id", "path", "slug", "title", "fields", "extra",
                 "related", "actions", "visibility", "order")

    def __init__(self, rtype, date, plant, dept):
        self.type, self.date, self.plant, self.dept = rtype, date, plant, dept
        self.id = self.path = self.slug = self.title = ""
        self.fields: dict = {}
        self.extra: dict = {}
        self.related: list = []
        self.actions: list = []
        self.visibility = "all-staff"
        self.order = 0.0


class Company:
    def __init__(self, rng: random.Random, plants: int):
        self.plants = plants
        self.depts: list[list[str]] = []       # plant -> dept codes
        self.dept_rows: list[tuple] = []        # code, name, name_en
        self.people_rows: list[dict] = []
        self.staff: dict[str, list[str]] = {}   # dept code -> person ids, head first
        self.gm: list[str] = []                 # plant -> a gm
        self.qa_rep: list[str] = []
        used = set()
        for p in range(plants):
            suffix = "" if p == 0 else str(p + 1)
            plant_name = PLANTS[p] if p < len(PLANTS) else f"第{p + 1}工厂"
            codes = []
            for code, name, name_en in DEPARTMENTS:
                c = code + suffix
                codes.append(c)
                self.dept_rows.append((c, name if p == 0 else plant_name + name,
                                       name_en if p == 0 else f"{name_en}, plant {p + 1}"))
                ids = []
                for i in range(PEOPLE_PER_DEPT):
                    (sz, sp), (gz, gp) = rng.choice(SURNAMES), rng.choice(GIVEN)
                    pid, k = sp + gp, 1
                    while pid in used:
                        k += 1
                        pid = f"{sp}{gp}{k}"
                    used.add(pid)
                    ids.append(pid)
                    roles = []
                    if code == "GM" and i < 2:
                        roles = ["gm"]
                    elif code == "QA" and i == 0:
                        roles = ["management-rep", "auditor"]
                    elif code == "QA" and i < 5:
                        roles = ["qa", "auditor"] if i % 2 else ["qa"]
                    elif code in ("ENG", "PRD", "PUR") and i == 1:
                        roles = ["auditor"]
                    row = {"id": pid, "name": sz + gz, "department": c}
                    if roles:
                        row["roles"] = roles
                    if rng.random() < 0.4:
                        row["git_user"] = pid.replace(sp, sp + "-", 1)
                    row["email"] = f"{pid}@group.example.com"
                    self.people_rows.append(row)
                self.staff[c] = ids
            self.depts.append(codes)
            self.gm.append(self.staff["GM" + suffix][0])
            self.qa_rep.append(self.staff["QA" + suffix][0])
        self.dept_name = {c: n for c, n, _ in self.dept_rows}


def _periods(kind: str) -> list[tuple[str, dt.date]]:
    """(period, last day) of every period from 2016 whose end lies before TODAY."""
    out = []
    if kind == "monthly":
        for y in range(2016, 2027):
            for m in range(1, 13):
                end = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))
                if end < TODAY:
                    out.append((f"{y}-{m:02d}", end))
    elif kind == "quarterly":
        for y in range(2016, 2027):
            for qn in range(1, 5):
                end = dt.date(y + (qn == 4), (qn * 3) % 12 + 1, 1) - dt.timedelta(days=1)
                if end < TODAY:
                    out.append((f"{y}-Q{qn}", end))
    else:
        out = [(str(y), dt.date(y, 12, 31)) for y in range(2016, 2027) if dt.date(y, 12, 31) < TODAY]
    return out


PERIODS = {k: _periods(k) for k in ("monthly", "quarterly", "annual")}
HALVES = [(f"{y}-H{h}", dt.date(y, 6, 30) if h == 1 else dt.date(y, 12, 31)) for y in range(2016, 2027) for h in (1, 2)
          if (dt.date(y, 6, 30) if h == 1 else dt.date(y, 12, 31)) < TODAY]
DUE_DAYS = {"monthly": 5, "quarterly": 10, "annual": 20}
FILL = 0.95  # at most this share of a stream's periods is filled


def plants_for(n_reports: int) -> int:
    per_plant = sum(int(len(p) * FILL) for p in PERIODS.values()) * len(DEPARTMENTS)
    return max(1, math.ceil(n_reports / (0.9 * per_plant)))


def _date(rng: random.Random, lo: dt.date = START, hi: dt.date = TODAY) -> dt.date:
    return lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))


def _between(rng, lo: dt.date, hi: dt.date) -> dt.date:
    return lo if hi <= lo else lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))


def _days(d: dt.date, k: int) -> dt.date:
    return d + dt.timedelta(days=k)


class Synth:
    def __init__(self, n: int, seed: int):
        self.rng = rng = random.Random(seed)
        self.n = n
        counts = {t: round(n * s) for t, s in SHARE.items()}
        counts["report"] = n - sum(c for t, c in counts.items() if t != "report")
        self.counts = counts
        self.co = Company(rng, plants_for(counts["report"]))
        self.records: list[Rec] = []
        self.schedule: list[dict] = []

    # small helpers
    def person(self, dept: str) -> str:
        return self.rng.choice(self.co.staff[dept])

    def plant_person(self, plant: int) -> str:
        return self.person(self.rng.choice(self.co.depts[plant]))

    def pick_dept(self, plant: int, weights: list[int]) -> str:
        return self.rng.choices(self.co.depts[plant], weights)[0]

    def values(self) -> dict:
        r = self.rng
        return {
            "ppm": r.randint(5, 180), "fpy": round(r.uniform(94, 99.8), 1), "d1": round(r.uniform(0.1, 2.5), 1),
            "c1": round(r.uniform(0.9, 1.33), 2), "c2": round(r.uniform(1.34, 2.1), 2), "k": r.randint(2, 15),
            "k2": r.randint(50, 5000), "k3": r.randint(2, 9), "k4": r.randint(0, 6), "clause": r.choice(
                ["7.1.5.2", "8.3.3", "8.5.1.1", "8.7.1", "9.2.2.3", "9.3.2", "10.2.3", "10.2.4"]),
            "cust": r.choice(CUSTOMERS), "part": self.part(), "sup": f"S{r.randint(100, 999)}",
            "grr": round(r.uniform(4, 18), 1), "oee": round(r.uniform(62, 88), 1), "line": r.randint(1, 12),
            "money": r.randint(2000, 200000), "money2": r.randint(0, 80000), "month": r.randint(1, 12),
            "day": r.randint(1, 28), "trend": r.choice(TRENDS), "updown": r.choice(["上升", "下降"]),
            "year": 2026,
        }

    def part(self) -> str:
        return f"HR-{self.rng.choice(PART_FAMILIES)}-{self.rng.randint(1000, 9999)}"

    def tags(self) -> list[str]:
        k = self.rng.choices([0, 1, 2, 3], [25, 35, 28, 12])[0]
        return self.rng.sample(TAGS, k)

    def visibility(self, management: float, restricted: float = 0.02) -> str:
        x = self.rng.random()
        return "restricted" if x < restricted else "management" if x < restricted + management else "all-staff"

    def plant(self) -> int:
        # plant 1 a little bigger than the others
        return 0 if self.co.plants == 1 or self.rng.random() < 1.5 / (self.co.plants + 0.5) else \
            self.rng.randrange(1, self.co.plants)

    # ------------------------------------------------------------------ reports
    def plan_reports(self) -> None:
        r, co = self.rng, self.co
        streams = [(p, c, kind) for p in range(co.plants) for c in co.depts[p] for kind in PERIODS]
        caps = [int(len(PERIODS[k]) * FILL) for _, _, k in streams]
        total = self.counts["report"]
        f = total / sum(caps)
        want = [min(cap, int(f * cap * r.uniform(0.8, 1.2))) for cap in caps]
        order = list(range(len(streams)))
        while sum(want) != total:  # even out the rounding, within each stream's capacity
            r.shuffle(order)
            step = 1 if sum(want) < total else -1
            for i in order:
                if sum(want) == total:
                    break
                if (step > 0 and want[i] < caps[i]) or (step < 0 and want[i] > 0):
                    want[i] += step
        for (plant, dept, kind), count in zip(streams, want):
            if not count:
                continue
            periods = PERIODS[kind]
            span = periods[len(periods) - min(len(periods), math.ceil(count / FILL)):]
            chosen = sorted(r.sample(range(len(span)), count))
            if count >= 3 and r.random() < 0.9:
                self.schedule.append({"department": dept, "kind": kind, "due_days": DUE_DAYS[kind],
                                      "start": span[0][0]})
            for i in chosen:
                period, end = span[i]
                late = r.random() < 0.15
                offset = r.randint(DUE_DAYS[kind] + 1, DUE_DAYS[kind] + 25) if late else r.randint(1, DUE_DAYS[kind])
                rec = Rec("report", min(_days(end, offset), TODAY), plant, dept)
                rec.fields = {"kind": kind, "period": Raw(period) if kind != "annual" else int(period)}
                rec.visibility = self.visibility(0.05 if dept.startswith(("FIN", "GM")) else 0.0, 0.005)
                self.records.append(rec)

    # ------------------------------------------------------------------ meetings
    def plan_meetings(self) -> None:
        r = self.rng
        kinds = [("department", 40), ("management", 18), ("project", 25), ("management-review", 3), ("other", 14)]
        names, weights = zip(*kinds)
        for _ in range(self.counts["meeting"]):
            plant = self.plant()
            kind = r.choices(names, weights)[0]
            suffix = "" if plant == 0 else str(plant + 1)
            dept = "GM" + suffix if kind in ("management", "management-review") else \
                self.pick_dept(plant, [1, 5, 5, 4, 2, 2, 2, 1, 2, 2])
            rec = Rec("meeting", _date(r), plant, dept)
            rec.fields = {"kind": kind}
            rec.visibility = self.visibility({"management-review": 0.7, "management": 0.3}.get(kind, 0.03))
            self.records.append(rec)

    # ------------------------------------------------------------------ notices
    def plan_notices(self) -> None:
        r = self.rng
        cats = [("announcement", 25), ("policy", 8), ("rule", 15), ("circular", 30), ("manual", 7), ("other", 15)]
        names, weights = zip(*cats)
        series: dict[tuple, list[list[Rec]]] = {}
        for _ in range(self.counts["notice"]):
            plant = self.plant()
            cat = r.choices(names, weights)[0]
            rec = Rec("notice", _date(r), plant, "")
            rec.fields = {"category": cat}
            rec.visibility = self.visibility(0.04, 0.01)
            if cat in ("policy", "rule", "manual"):
                topic = r.randrange(len(NOTICE_TOPICS[cat]))
                groups = series.setdefault((plant, cat, topic), [])
                if not groups or r.random() < 0.25:
                    groups.append([])
                r.choice(groups).append(rec)
                rec.extra["topic"] = topic
            else:
                rec.dept = self.pick_dept(plant, [3, 3, 2, 1, 1, 5, 1, 1, 1, 1])
            self.records.append(rec)
        # revisions of one controlled document: A, B, C … each superseding the one before
        number = {}
        for (plant, cat, topic), groups in series.items():
            prefix = NOTICE_TOPICS[cat][topic][2]
            owner = prefix.split("-")[0]
            owner = owner if owner in ("HR", "ENG", "PRD", "LOG", "MNT", "PUR") else "QA"
            suffix = "" if plant == 0 else str(plant + 1)
            for group in groups:
                if not group:
                    continue
                number[prefix + suffix] = number.get(prefix + suffix, 0) + 1
                doc = f"{prefix}{suffix}-{number[prefix + suffix]:03d}"
                group.sort(key=lambda x: x.date)
                for i, rec in enumerate(group):
                    rec.dept = owner + suffix
                    rec.extra.update(doc_number=doc, revision=chr(65 + i) if i < 26 else f"Z{i}",
                                     supersedes=group[i - 1] if i else None)

    # ------------------------------------------------------------------ CAPAs
    def plan_capas(self) -> None:
        r = self.rng
        names, weights = zip(*CAPA_SOURCES)
        for _ in range(self.counts["capa"]):
            plant = self.plant()
            src = r.choices(names, weights)[0]
            dept = self.pick_dept(plant, [0, 12, 5, 3, 2, 1, 1, 0, 1, 1])
            rec = Rec("capa", _date(r, hi=_days(TODAY, -14)), plant, dept)
            age = (TODAY - rec.date).days
            if age > 365:
                st = r.choices(["closed", "cancelled", "implementing", "verification"], [88, 8, 2, 2])[0]
            elif age > 120:
                st = r.choices(["closed", "cancelled", "implementing", "verification", "approved", "analysis"],
                               [55, 7, 15, 10, 8, 5])[0]
            else:
                st = r.choices(["open", "analysis", "approved", "implementing", "verification", "closed",
                                "cancelled"], [20, 25, 20, 20, 8, 4, 3])[0]
            rec.fields = {"source": src, "status": st}
            rec.visibility = self.visibility(0.06, 0.02)
            self.records.append(rec)
        capas = [x for x in self.records if x.type == "capa"]
        statuses = ["open", "analysis", "approved", "implementing", "verification", "closed", "cancelled"]
        present = {x.fields["status"] for x in capas}
        spots = r.sample(range(len(capas)), min(len(capas), len(statuses)))
        for st, i in zip([s for s in statuses if s not in present], spots):
            capas[i].fields["status"] = st

    # ------------------------------------------------------------------ v2: the communication procedure
    def plan_v2(self) -> None:
        r, co = self.rng, self.co
        # surveys: one per customer and period, received after the period ends
        pairs = [(c, p, end) for c in CUSTOMERS for kind in ("annual", "half", "quarterly", "monthly")
                 for p, end in (HALVES if kind == "half" else PERIODS[kind])]
        want = min(self.counts["survey"], len(pairs))
        self.counts["contact"] += self.counts["survey"] - want
        weights = None
        for c, period, end in sorted(r.sample(pairs, want), key=lambda x: (x[2], x[0], x[1])):
            rec = Rec("survey", min(_days(end, r.randint(5, 40)), TODAY), self.plant(), "")
            rec.dept = "SAL" + ("" if rec.plant == 0 else str(rec.plant + 1))
            rec.fields = {"customer": c, "period": int(period) if period.isdigit() else Raw(period)}
            self.records.append(rec)
        for rtype in ("complaint", "nc", "memo", "contact"):
            for _ in range(self.counts[rtype]):
                plant = self.plant()
                suffix = "" if plant == 0 else str(plant + 1)
                rec = Rec(rtype, _date(r, hi=_days(TODAY, -1)), plant, "QA" + suffix)
                if rtype == "nc":
                    rec.dept = self.pick_dept(plant, [1, 3, 5, 4, 3, 2, 3, 1, 2, 3])
                    rec.fields = {"audit": r.choices(["internal", "external", "customer", "process", "product"],
                                                     [50, 15, 15, 12, 8])[0]}
                elif rtype == "memo":
                    rec.dept = self.pick_dept(plant, [1, 4, 4, 3, 2, 2, 2, 1, 2, 2])
                elif rtype == "contact":
                    kind = r.choices(list(CONTACT_TOPICS), [50, 25, 8, 7, 10])[0]
                    rec.fields = {"party_kind": kind}
                    rec.dept = {"customer": "SAL", "supplier": "PUR", "certification-body": "QA",
                                "authority": "GM", "industry": "GM"}[kind] + suffix
                rec.visibility = self.visibility({"complaint": 0.05, "nc": 0.02}.get(rtype, 0.02), 0.01)
                self.records.append(rec)

    # ------------------------------------------------------------------ IDs
    def number(self) -> None:
        r = self.rng
        for rec in self.records:
            rec.order = r.random()
        self.records.sort(key=lambda x: (x.date, x.order))
        seq: dict[tuple, int] = {}
        for rec in self.records:
            key = (rec.type, rec.date.year)
            seq[key] = seq.get(key, 0) + 1
            rec.id = f"{PREFIX[rec.type]}-{rec.date.year}-{seq[key]:03d}"

    # ------------------------------------------------------------------ fields
    def fill(self) -> None:
        r, co = self.rng, self.co
        meetings_by_plant: list[list[Rec]] = [[] for _ in range(co.plants)]
        for rec in self.records:
            if rec.type == "meeting":
                meetings_by_plant[rec.plant].append(rec)
        meeting_dates = [[m.date for m in ms] for ms in meetings_by_plant]
        self.capas: dict[tuple, list[Rec]] = {}    # (plant, group) -> CAPAs by date, for complaints and NCs
        for rec in self.records:
            if rec.type == "capa":
                src, st = rec.fields["source"], rec.fields["status"]
                groups = ["any"] + (["complaint"] if src == "customer-complaint" else []) + \
                    (["audit"] + (["audit-settled"] if st in ("closed", "cancelled") else [])
                     if src in ("internal-audit", "external-audit") else []) + \
                    (["settled"] if st in ("closed", "cancelled") else [])
                for g in groups:
                    self.capas.setdefault((rec.plant, g), []).append(rec)
        for i, rec in enumerate(self.records):
            v = self.values()
            v.update(rec.extra.pop("v"))
            getattr(self, "fill_" + rec.type)(rec, v)
            if rec.type == "capa":
                self.link_capa(rec, meetings_by_plant[rec.plant], meeting_dates[rec.plant])
            if i and r.random() < 0.25:  # related: earlier records, mostly recent ones
                k = r.choices([1, 2, 3], [60, 30, 10])[0]
                picks = {max(0, i - 1 - int(r.expovariate(1 / 300))) for _ in range(k)}
                rec.related = [self.records[j] for j in sorted(picks) if j != i]
            if r.random() < 0.01:
                rec.extra["withdrawn"] = {"date": _between(r, rec.date, min(_days(rec.date, 60), TODAY)),
                                          "by": co.qa_rep[rec.plant], "reason": r.choice(WITHDRAW_REASONS)}
            if r.random() < 0.002:
                rec.extra["former_ids"] = [f"{PREFIX[rec.type]}-{rec.date.year}-9{r.randint(1000, 9999)}"]

    def name(self) -> None:
        """Titles and file-name slugs, before paths (bodies link to other records' files)."""
        for rec in self.records:
            v = self.values()
            rec.extra["v"] = {"part": v["part"], "cust": v["cust"], "sup": v["sup"]}  # the fields name the same
            if rec.type == "meeting":
                rec.title, rec.slug = self.title_from(MEETING_TOPICS[rec.fields["kind"]], v, rec)
            elif rec.type == "notice":
                cat = rec.fields["category"]
                if "topic" in rec.extra:
                    rec.title, rec.slug = NOTICE_TOPICS[cat][rec.extra["topic"]][:2]
                else:
                    rec.title, rec.slug = self.title_from(NOTICE_TOPICS[cat], v, rec)
            elif rec.type == "capa":
                rec.title, rec.slug = self.title_from(CAPA_TOPICS, v, rec)
            elif rec.type == "survey":
                c, period = rec.fields["customer"], str(rec.fields["period"])
                rec.title, rec.slug = f"{c} {period} 顾客满意度调查", f"survey-{period.lower()}"
            elif rec.type in V2:
                pool = {"complaint": COMPLAINT_TOPICS, "nc": NC_TOPICS, "memo": MEMO_TOPICS}.get(rec.type) \
                    or CONTACT_TOPICS.get(rec.fields.get("party_kind"), [("其他外部沟通", "contact")])
                rec.title, rec.slug = self.title_from(pool, v, rec)
            else:
                kind, period = rec.fields["kind"], str(rec.fields["period"])
                if kind == "monthly":
                    when = f"{period[:4]}年{int(period[5:])}月月度"
                elif kind == "quarterly":
                    when = f"{period[:4]}年第{period[-1:]}季度"
                else:
                    when = f"{period}年度"
                rec.title = f"{self.co.dept_name[rec.dept]}{when}报告"
                rec.slug = f"{rec.dept.lower()}-{period.lower()}" + ("" if kind == "monthly" else f"-{kind}")

    def title_from(self, pool: list, v: dict, rec: Rec) -> tuple[str, str]:
        item = self.rng.choice(pool)
        fmt = dict(v, dept=self.co.dept_name[rec.dept], year=rec.date.year, month=rec.date.month)
        return item[0].format(**fmt), item[1]

    def fill_meeting(self, rec: Rec, v: dict) -> None:
        r, co = self.rng, self.co
        kind = rec.fields["kind"]
        staff = co.staff[rec.dept]
        chair = co.gm[rec.plant] if kind in ("management", "management-review") else staff[0]
        pool = [co.staff[d][0] for d in co.depts[rec.plant]] if kind in ("management", "management-review") \
            else staff[:12]
        chosen = set(r.sample(pool, min(len(pool), r.randint(3, 9)))) | {chair}
        attendees = [p for p in pool if p in chosen]
        f = {"kind": kind, "date": rec.date, "chair": chair, "recorder": r.choice(staff[1:]),
             "attendees": attendees}
        age = (TODAY - rec.date).days
        approved = r.random() < (0.97 if age > 14 else 0.4)
        f["status"] = "approved" if approved else "draft"
        if approved:
            f["approved_by"] = co.gm[rec.plant] if kind == "management-review" or r.random() < 0.3 else chair
            f["approved_on"] = _between(r, rec.date, min(_days(rec.date, 7), TODAY))
            if kind == "management-review":
                f["distribution"] = [d for d in co.depts[rec.plant] if not d.startswith("GM")]
                f["received"] = self.receipts(f["distribution"], f["approved_on"])
            if r.random() < 0.03:
                rec.extra["amendments"] = [{"date": _between(r, f["approved_on"], min(_days(f["approved_on"], 40), TODAY)),
                                            "by": f["recorder"], "reason": r.choice(AMEND_REASONS)}]
        for _ in range(r.choices([0, 1, 2, 3, 4], [25, 20, 25, 20, 10])[0]):
            rec.actions.append(self.action(rec.date, _days(rec.date, r.randint(7, 90)), staff, v, None))
        rec.fields = f

    def action(self, start: dt.date, due: dt.date, staff: list[str], v: dict, state: str | None,
               settle_by: dt.date | None = None) -> dict:
        r = self.rng
        a = {"text": r.choice(ACTION_TEXTS).format(**v), "owner": r.choice(staff), "due": due}
        if state is None:  # a meeting's own action: settled when long past
            late = (TODAY - due).days
            state = r.choices(["done", "cancelled", "open"], [85, 5, 10] if late > 30 else [30, 2, 68])[0]
        if state == "done":
            hi = min(settle_by or TODAY, TODAY, _days(due, 20))
            a["status"] = "done"
            a["done_on"] = _between(r, start, max(hi, start))
        elif state == "cancelled":
            a["status"] = "cancelled"
        elif r.random() < 0.5:
            a["status"] = "open"
        return a

    def fill_notice(self, rec: Rec, v: dict) -> None:
        r, co = self.rng, self.co
        cat = rec.fields["category"]
        f = {"category": cat, "issued_on": rec.date}
        if r.random() < 0.3:
            f["effective_from"] = _days(rec.date, r.randint(1, 30))
        if cat in ("circular", "announcement", "other") and r.random() < 0.6:
            f["expires_on"] = _days(f.get("effective_from", rec.date), r.randint(7, 120))
        if r.random() < 0.03 + (0.1 if (TODAY - rec.date).days < 120 else 0):
            f["pinned"] = True
        x = r.random()
        if x < 0.25:
            f["audience"] = r.sample(co.depts[rec.plant], r.randint(1, 4))
        elif x < 0.35:
            f["audience"] = "all"
        if cat != "announcement" or r.random() < 0.3:
            f["approved_by"] = co.gm[rec.plant] if cat in ("policy", "manual") or r.random() < 0.5 \
                else co.staff[rec.dept][0]
        if isinstance(f.get("audience"), list) and r.random() < 0.4:
            f["acknowledge"] = True
            received = self.receipts(f["audience"], rec.date)
            if received:
                f["received"] = received
        if "doc_number" in rec.extra:
            f["doc_number"] = rec.extra["doc_number"]
            f["revision"] = rec.extra["revision"]
            if rec.extra["supersedes"] is not None:
                f["supersedes"] = rec.extra["supersedes"]
        rec.fields = f

    def receipts(self, departments: list[str], since: dt.date) -> list[dict]:
        """签收: most departments sign within two weeks; recent records still miss some."""
        r = self.rng
        share = 0.95 if (TODAY - since).days > 30 else 0.5
        return [{"department": d, "by": self.co.staff[d][r.randrange(3)], "on": _between(r, since, min(_days(since, 14), TODAY))}
                for d in departments if r.random() < share]

    def fill_report(self, rec: Rec, v: dict) -> None:
        r = self.rng
        kind = rec.fields["kind"]
        rec.fields = {"kind": kind, "period": rec.fields["period"], "submitted_on": rec.date,
                      "author": r.choice(self.co.staff[rec.dept][:6])}
        metric = {("QA", "monthly"): ("ppm", lambda: r.randint(15, 90)),
                  ("LOG", "monthly"): ("otd", lambda: round(r.uniform(95, 99.9), 1)),
                  ("QA", "quarterly"): ("audit_score", lambda: r.randint(80, 98))}.get((rec.dept, kind))
        if metric and r.random() < 0.9:   # objectives.yml: the first plant's QA and logistics
            rec.fields["metrics"] = {metric[0]: metric[1]()}

    def capa_near(self, plant: int, groups: tuple, day: dt.date) -> Rec | None:
        """The first CAPA of the first group that has one, opened on or after day (else the latest)."""
        for g in groups:
            capas = self.capas.get((plant, g))
            if capas:
                i = bisect.bisect_left([c.date for c in capas], day)
                return capas[min(i, len(capas) - 1)]
        return None

    def fill_complaint(self, rec: Rec, v: dict) -> None:
        r, co = self.rng, self.co
        got = rec.date
        age = (TODAY - got).days
        st = r.choices(["closed", "cancelled", "responded"], [85, 7, 8])[0] if age > 90 else \
            r.choices(["received", "investigating", "responded", "closed", "cancelled"], [20, 35, 25, 15, 5])[0]
        severity = r.choices(["minor", "major", "critical"], [40, 45, 15])[0]
        f: dict = {"customer": v["cust"], "received_on": got, "received_by": r.choice(co.staff[rec.dept][:8]),
                   "channel": r.choice(["phone", "email", "visit", "portal", "letter", "other"]), "severity": severity,
                   "customer_ref": f"CC-{got.year}-{r.randint(1, 99):03d}", "part_number": v["part"],
                   "lot": f"{got:%y%m%d}-{r.choice('ABCD')}{r.randint(1, 3)}", "quantity": r.randint(1, 2000)}
        if r.random() < 0.85:
            f["response_due"] = _days(got, r.choice([2, 5, 7, 10]))
        f["status"] = st
        if st != "received" and severity != "minor" and st != "cancelled" or (st == "cancelled" and r.random() < 0.3):
            capa = self.capa_near(rec.plant, ("complaint", "any"), got)
            if capa is not None:
                f["capa"] = capa.id
            elif st != "cancelled":
                f["severity"] = "minor"
        if st in ("responded", "closed"):
            on = min(_days(got, r.randint(1, 14)), TODAY)
            f["response"] = {"on": on, "by": co.qa_rep[rec.plant], "summary": "已提交8D报告 D1-D4，遏制措施已完成"}
            if st == "closed":
                f["closed_on"] = min(_days(on, r.randint(10, 90)), TODAY)
        if st == "cancelled":
            f["cancel_reason"] = r.choice(CANCEL_REASONS)
        rec.fields = f

    def fill_nc(self, rec: Rec, v: dict) -> None:
        r, co = self.rng, self.co
        found, audit = rec.date, rec.fields["audit"]
        suffix = "" if rec.plant == 0 else str(rec.plant + 1)
        age = (TODAY - found).days
        st = r.choices(["closed", "acknowledged"], [92, 8])[0] if age > 120 else \
            r.choices(["open", "acknowledged", "closed"], [30, 45, 25])[0]
        grade = r.choices(["major", "minor", "observation"], [10, 60, 30])[0]
        auditor = r.choice([co.staff["QA" + suffix][i] for i in (0, 1, 3)]) if audit == "internal" \
            else r.choice(co.staff["QA" + suffix][:6])
        code = {"internal": "IA", "external": "EA", "customer": "CA", "process": "PA", "product": "PDA"}[audit]
        f: dict = {"audit": audit, "audit_ref": f"{code}{suffix}-{found.year}-{1 if found.month <= 6 else 2}",
                   "found_on": found, "auditor": auditor, "clause": r.choice(CLAUSES), "grade": grade, "status": st}
        if st != "open":
            ack = min(_days(found, r.randint(0, 5)), TODAY)
            f["acknowledged_by"] = co.staff[rec.dept][0]
            f["acknowledged_on"] = ack
            if grade != "observation":
                groups = ("audit-settled", "settled") if st == "closed" else ("audit", "any")
                capa = self.capa_near(rec.plant, groups, found)
                if capa is None:
                    f["grade"] = "observation"
                else:
                    f["capa"] = capa.id
            if st == "closed":
                f["closed_on"] = min(_days(ack, r.randint(14, 120)), TODAY)
        rec.fields = f

    def fill_survey(self, rec: Rec, v: dict) -> None:
        r, co = self.rng, self.co
        f: dict = dict(rec.fields)
        f["received_on"] = rec.date
        crit = SURVEY_CRITERIA if r.random() < 0.8 else SURVEY_CRITERIA[:3]
        f["scores"] = {c: r.choice([2, 3, 3, 4, 4, 4, 5, 5, 3.5, 4.5]) for c in crit}
        if r.random() < 0.5:
            f["overall"] = r.randint(3, 5)
        f["collected_by"] = r.choice(co.staff[rec.dept][:6])
        rec.fields = f
        if r.random() < 0.4:
            rec.actions.append(self.action(rec.date, _days(rec.date, r.randint(30, 120)),
                                           co.staff["QA" + rec.dept[3:]][:8], v, None))

    def fill_memo(self, rec: Rec, v: dict) -> None:
        r, co = self.rng, self.co
        sent = rec.date
        others = [d for d in co.depts[rec.plant] if d != rec.dept]
        to = r.sample(others, r.choices([1, 2, 3], [70, 22, 8])[0])
        age = (TODAY - sent).days
        st = r.choices(["closed", "replied"], [90, 10])[0] if age > 45 else \
            r.choices(["open", "replied", "closed"], [45, 30, 25])[0]
        f: dict = {"from": r.choice(co.staff[rec.dept][:10]), "to": to, "sent_on": sent}
        if r.random() < 0.7:
            f["reply_due"] = _days(sent, r.choice([3, 5, 7, 14]))
        f["status"] = st
        if st != "open":
            f["replies"] = [{"by": co.staff[d][0], "on": min(_days(sent, r.randint(0, 10)), TODAY),
                             "text": r.choice(["已收到，按要求执行", "已安排，本周内完成", "无此情况，请核实"])} for d in to]
        if st == "closed":
            f["closed_on"] = min(_days(max(x["on"] for x in f["replies"]), r.randint(0, 10)), TODAY)
        rec.fields = f

    def fill_contact(self, rec: Rec, v: dict) -> None:
        r, co = self.rng, self.co
        kind = rec.fields["party_kind"]
        party = v["cust"] if kind == "customer" else f"供应商{v['sup']}" if kind == "supplier" else r.choice(PARTY[kind])
        channel = {"customer": ["phone", "email", "visit", "meeting"], "supplier": ["phone", "visit", "negotiation"],
                   "industry": ["meeting", "exhibition"]}.get(kind, ["visit", "meeting"])
        rec.fields = {"party_kind": kind, "party": party, "channel": r.choice(channel), "date": rec.date,
                      "our_people": r.sample(co.staff[rec.dept][:10], r.randint(1, 3))}
        if r.random() < 0.3:
            rec.actions.append(self.action(rec.date, _days(rec.date, r.randint(7, 60)), co.staff[rec.dept][:10], v, None))

    def fill_capa(self, rec: Rec, v: dict) -> None:
        r, co = self.rng, self.co
        src, st = rec.fields["source"], rec.fields["status"]
        staff = co.staff[rec.dept]
        plant_staff = [p for d in co.depts[rec.plant] for p in co.staff[d][:6]]
        opened = rec.date
        f: dict = {"source": src}
        y = opened.year
        if src == "customer-complaint":
            f["source_ref"] = f"CC-{y}-{r.randint(1, 60):03d}"
            f["customer"] = v["cust"]
        elif src == "internal-audit":
            f["source_ref"] = f"NCR-{y}-{r.randint(1, 90):03d}"
        elif src == "external-audit":
            f["source_ref"] = f"EA-{y}-{r.randint(1, 20):03d}"
        elif src == "supplier" and r.random() < 0.6:
            f["source_ref"] = f"SCAR-{y}-{r.randint(1, 80):03d}"
        f["opened_on"] = opened
        due0 = _days(opened, r.randint(30, 90))
        ext = []
        if r.random() < 0.08:
            frm = due0
            for _ in range(r.randint(1, 2)):
                to = _days(frm, r.randint(15, 60))
                ext.append({"from": frm, "to": to, "by": co.gm[rec.plant], "reason": "等待客户确认 / waiting for customer sign-off"})
                frm = to
        f["due"] = ext[-1]["to"] if ext else due0
        f["owner"] = r.choice(staff[:8])
        f["status"] = st
        if src == "customer-complaint":
            f["part_number"] = v["part"]
            f["lot"] = f"{opened:%y%m%d}-{r.choice('ABCD')}{r.randint(1, 3)}"
            f["quantity"] = r.randint(1, 500)
            f["customer_response_due"] = _days(opened, 2)
            f["team"] = r.sample(plant_staff, 4)
        flow = ["open", "analysis", "approved", "implementing", "verification", "closed"]
        stage = flow.index(st) if st in flow else r.randint(0, 3)  # a cancelled CAPA got this far
        room = max(4, (TODAY - opened).days)
        span = min(room, r.randint(40, 160))  # opened -> closed, when it gets there
        if stage >= 1:
            f["containment"] = r.choice(ZH).format(**v) + "已隔离可疑品并100%挑选。"
        approved_on = verified_on = None
        if stage >= 2 and st != "cancelled":
            f["root_cause"] = "5Why分析：" + r.choice(ZH).format(**v)
            approved_on = _days(opened, max(1, span // 10))
            settle = _days(opened, span * 85 // 100) if stage >= 4 else TODAY
            n_act = r.randint(1, 4)
            state = {2: "open", 3: None, 4: "settled", 5: "settled"}[stage]
            actions = []
            for _ in range(n_act):
                due = _between(r, _days(approved_on, 7), max(f["due"], _days(approved_on, 7)))
                s = state
                if s == "settled":
                    s = "cancelled" if r.random() < 0.05 else "done"
                elif s is None:
                    s = r.choice(["done", "open"])
                actions.append(self.action(approved_on, due, staff + plant_staff[:10], v, s,
                                           settle_by=settle if stage >= 4 else None))
            if stage >= 4 and all(a.get("status") == "cancelled" for a in actions):
                actions[0] = self.action(approved_on, actions[0]["due"], staff, v, "done", settle_by=settle)
            f["actions"] = actions
            f["approved_by"] = co.gm[rec.plant]
            f["approved_on"] = approved_on
            if stage >= 5:
                verified_on = _days(opened, span * 9 // 10)
                verified_on = max([verified_on] + [a["done_on"] for a in actions if "done_on" in a])
                f["verification"] = {"verified_by": co.qa_rep[rec.plant], "verified_on": verified_on,
                                     "effective": True, "evidence": r.choice(ZH).format(**v)}
                f["closed_on"] = min(max(verified_on, _days(opened, span)), TODAY)
                if f["closed_on"] < verified_on:
                    f["closed_on"] = verified_on
                if r.random() < 0.3:
                    f["error_proofing"] = "增加防错装置，" + r.choice(LIST_ZH)
                    f["pfmea_updated"] = True
                    f["control_plan_updated"] = r.random() < 0.8
                if r.random() < 0.25:
                    f["horizontal_deployment"] = f"同类零件{self.part()}、{self.part()}同步实施"
                if r.random() < 0.03:
                    rec.extra["amendments"] = [{"date": _between(r, f["closed_on"], min(_days(f["closed_on"], 60), TODAY)),
                                                "by": co.qa_rep[rec.plant], "reason": r.choice(AMEND_REASONS)}]
        if st == "cancelled":
            f["cancel_reason"] = r.choice(CANCEL_REASONS)
        if ext:
            f["due_extensions"] = ext
        rec.fields = f

    def link_capa(self, capa: Rec, meetings: list[Rec], dates: list[dt.date]) -> None:
        """A CAPA raised in a meeting: source_ref names the meeting, the meeting's action names the CAPA."""
        r = self.rng
        src = capa.fields["source"]
        if src not in ("management-review", "process", "internal-audit") or r.random() > (
                0.9 if src == "management-review" else 0.4):
            return
        opened = capa.fields["opened_on"]
        lo = bisect.bisect_left(dates, _days(opened, -90))
        hi = bisect.bisect_right(dates, opened)
        wanted = "management-review" if src == "management-review" else None
        cands = [m for m in meetings[lo:hi] if (m.fields["kind"] == wanted if wanted else
                                                m.fields["kind"] != "management-review")]
        if not cands:
            return
        m = cands[-1] if r.random() < 0.5 else r.choice(cands)
        capa.fields["source_ref"] = m.id
        keys = list(capa.fields)  # keep source_ref next to source
        capa.fields = {k: capa.fields[k] for k in keys[:1] + ["source_ref"] + [k for k in keys[1:] if k != "source_ref"]}
        st = capa.fields["status"]
        a = {"text": f"针对“{capa.title}”立项CAPA并跟踪关闭", "owner": capa.fields["owner"], "due": capa.fields["due"]}
        if st == "closed":
            a["status"], a["done_on"] = "done", max(capa.fields["closed_on"], m.date)
        elif st == "cancelled":
            a["status"] = "cancelled"
        else:
            a["status"] = "open"
        a["capa"] = capa.id
        m.actions.append(a)

    # ------------------------------------------------------------------ writing
    def paths(self) -> None:
        for rec in self.records:
            slug = re.sub(r"[^a-z0-9]+", "-", rec.slug.lower()).strip("-")[:48] or rec.type
            rec.path = f"records/{FOLDER[rec.type]}/{rec.date.year}/{rec.id}-{slug}.md"

    def front_matter(self, rec: Rec) -> str:
        f = rec.fields
        fields: list[tuple[str, object]] = [("id", rec.id), ("title", rec.title), ("department", rec.dept)]
        for k, val in f.items():
            if k == "supersedes":
                val = val.id
            fields.append((k, val))
        if rec.actions:
            fields.append(("actions", rec.actions))
        if rec.visibility != "all-staff":
            fields.append(("visibility", rec.visibility))
        tags = self.tags()
        if tags:
            fields.append(("tags", tags))
        if rec.related:
            fields.append(("related", [x.id for x in rec.related]))
        for k in ("amendments", "withdrawn", "former_ids"):
            if k in rec.extra:
                fields.append((k, rec.extra[k]))
        return emit(fields)

    def body(self, rec: Rec, v: dict) -> str:
        r = self.rng
        target = int(300 + (r.random() ** 1.3) * 1150)
        heads = HEADINGS[rec.type]
        sections: list[list[str]] = [[] for _ in heads]
        intro = f"# {rec.title}\n\n"
        size = len(intro) + sum(len(a) + len(b) + 8 for a, b in heads)
        if rec.type == "report" or r.random() < 0.3:
            rows = r.randint(2, 5)
            table = ["| 指标 KPI | 目标 Target | 实际 Actual |", "|---|---|---|"] + [
                f"| {name} | {r.randint(50, 99)} | {round(r.uniform(40, 110), 1)} |"
                for name in r.sample(['客户PPM', '一次合格率 FPY', 'OEE %', '准时交付 OTD %', '内部报废率 ‰'], rows)]
            block = "\n".join(table)
            sections[0].append(block)
            size += len(block) + 2
        if rec.related and r.random() < 0.4:
            here = os.path.dirname(rec.path)
            links = "、".join(f"[{x.id}]({os.path.relpath(x.path, here)})" for x in rec.related)
            block = f"相关记录 See also: {links}"
            sections[-1].append(block)
            size += len(block) + 2
        zh, en = r.sample(ZH, len(ZH)), r.sample(EN, len(EN))  # each sentence at most once per record
        while size < target and (zh or en):
            sec = sections[r.randrange(len(sections))]
            x = r.random()
            if x < 0.2:
                items = r.sample(LIST_ZH, 2) + [r.choice(LIST_EN).format(**v)]
                ordered = r.random() < 0.5
                block = "\n".join((f"{i + 1}. " if ordered else "- ") + t for i, t in enumerate(items))
            elif (x < 0.6 and zh) or not en:
                block = "".join(zh.pop().format(**v) for _ in range(min(len(zh), r.randint(1, 3))))
            else:
                block = " ".join(en.pop().format(**v) for _ in range(min(len(en), r.randint(1, 2))))
            if size + len(block) + 2 > 1500:
                continue
            sec.append(block)
            size += len(block) + 2
        out = [intro]
        for (zh, en), blocks in zip(heads, sections):
            if blocks:
                out.append(f"## {zh} {en}\n\n" + "\n\n".join(blocks) + "\n\n")
        text = "".join(out).rstrip("\n") + "\n"
        while len(text) < 300:
            text += "\n" + r.choice(ZH).format(**v) + "\n"
        return text

    def write(self, dest: Path) -> None:
        made = set()
        for rec in self.records:
            v = self.values()
            text = "---\n" + self.front_matter(rec) + "\n---\n" + self.body(rec, v)
            folder = os.path.dirname(rec.path)
            if folder not in made:
                os.makedirs(dest / folder, exist_ok=True)
                made.add(folder)
            with open(dest / rec.path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)

    def write_config(self, dest: Path) -> None:
        cfg = dest / "site_config"
        cfg.mkdir(parents=True, exist_ok=True)
        (cfg / "site.yml").write_text(
            "# Synthetic company for the benchmark. 基准测试用的虚构公司。\n"
            "site_name: 恒锐集团 · 公告栏 (benchmark)\ncompany: 恒锐汽车零部件集团（虚构）\n"
            "language: zh\ntime_zone: Asia/Shanghai\n", encoding="utf-8")
        lines = ["# 部门登记表 / departments"]
        for code, name, name_en in self.co.dept_rows:
            lines += [f"- code: {code}", f"  name: {q(name)}", f"  name_en: {q(name_en)}"]
        (cfg / "departments.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        lines = ["# 人员登记表 / people"]
        for row in self.co.people_rows:
            lines.append(f"- id: {row['id']}")
            for k in ("name", "department", "roles", "git_user", "email"):
                if k in row:
                    val = row[k]
                    lines.append(f"  {k}: " + (f"[{', '.join(val)}]" if isinstance(val, list) else q(val)))
        (cfg / "people.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        lines = ["# 哪些部门须按期提交哪种报告 / which departments owe which reports"]
        for e in self.schedule:
            lines.append(f"- {{department: {e['department']}, kind: {e['kind']}, due_days: {e['due_days']}, "
                         f"start: {e['start']}}}")
        lines += ["# 例会 / recurring meetings owed",
                  "- {record: meeting, kind: department, department: QA, every: month}",
                  "- {record: meeting, kind: management-review, department: GM, every: year}"]
        (cfg / "schedule.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        lines = ["# 客户档案 / customers"]
        for i, name in enumerate(CUSTOMERS, start=1):
            lines += [f"- id: c{i:02d}", f"  name: {q(name)}"]
        (cfg / "customers.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (cfg / "objectives.yml").write_text(
            "# 质量目标 / quality objectives\n"
            "- {id: ppm, name: 客户 PPM, department: QA, unit: PPM, target: 50, better: lower, kind: monthly}\n"
            "- {id: otd, name: 准时交付率, department: LOG, unit: '%', target: 98.5, better: higher, kind: monthly}\n"
            "- {id: audit_score, name: 体系审核得分, department: QA, target: 90, better: higher, kind: quarterly}\n",
            encoding="utf-8")


def generate(dest: Path, n: int, seed: int = 1) -> None:
    """Write a complete repository with n valid records into dest (site_config/ and records/)."""
    dest = Path(dest)
    s = Synth(n, seed)
    s.plan_reports()
    s.plan_meetings()
    s.plan_notices()
    s.plan_capas()
    s.plan_v2()
    s.number()
    s.name()
    s.paths()
    s.fill()
    s.write_config(dest)
    (dest / ".gitignore").write_text("site/\n.cache/\n", encoding="utf-8")
    s.write(dest)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import time

    p = argparse.ArgumentParser(prog="python -m benchmarks.synth", description=__doc__.split("\n\n")[0])
    p.add_argument("dest", type=Path)
    p.add_argument("n", type=int)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    t = time.perf_counter()
    generate(args.dest, args.n, args.seed)
    print(f"{args.n} records in {args.dest} ({time.perf_counter() - t:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
