"""`--help` in the user's language.

English help is written once, where Typer reads it (docstrings and `help=` in each cli module). The
Chinese of each paragraph is here, keyed by its English (as gettext keys by msgid): a help text that
changes without its Chinese changing falls back to English, and tests/test_language.py fails until
the Chinese is written. zh-Hant and zh-HK are converted from it like every other text.

The language is taken from the command line before any command is built (`language_from_args`),
and Click's own words (Usage, Options, default, required) are translated by the help formatter.
"""

from __future__ import annotations

import re

HELP_ZH: dict[str, str] = {
    # shared by every command, and Click's own words
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "Language: zh, zh-Hant, zh-HK or en (default: DEALCOACH_LANG, else the locale).":
        "界面语言：zh、zh-Hant、zh-HK 或 en（默认取 DEALCOACH_LANG，其次取系统区域设置）。",
    "Print JSON on stdout instead of tables.": "在标准输出打印 JSON，而不是表格。",
    "No colours (also: NO_COLOR=1).": "不用颜色（也可设 NO_COLOR=1）。",
    "A coach for B2B big-account sales: where a deal stands, what to say, whom to work first. Put --debug before the command to see a traceback (for bug reports), e.g. dealcoach --debug stage 宁夏.":
        "B2B 大客户销售教练：商机走到了哪一步、该说什么、先做谁的工作。在命令前加 --debug 可显示完整的出错追踪（报告问题时用），如 dealcoach --debug stage 宁夏。",
    # stage
    "Where a deal really stands in both processes, what is missing, what to do next.":
        "商机在双方流程中的真实位置、还缺什么、下一步做什么。",
    "`stage DEAL` shows the diagnosis and asks nothing (fine in a pipe); --all shows everything. --walk (or `stage` with no deal, on a terminal) walks the checklist; --done/--undone/--customer-step or --answers record answers; --undone also overrules what the facts show.":
        "stage 商机 只显示诊断、不提问（可用于管道，也适合主管查看）；--all 显示全部。--walk（或在终端里不带商机运行 stage）逐项核对清单；--done/--undone/--customer-step 或 --answers 直接记录答案；--undone 也可以推翻记录的事实所表明的完成。",
    "Walk the checklist: asks only what is not settled yet.": "逐项核对清单：只问还没有定下来的项。",
    "Show everything: every action, what is missing, the evidence.": "显示全部：所有行动、缺失项和证据。",
    "Deal id or part of its name.": "商机编号，或商机名称的一部分。",
    "Mark an item, criterion or milestone done (repeat).": "把一项工作、完成标准或关键节点标为已完成（可重复）。",
    "Mark an id as not done (repeat).": "把一项标为未完成（可重复）。",
    "The customer step you observe ('unknown' clears it).": "你观察到的客户采购步骤（填 unknown 清除）。",
    "A customer-step signal you observed (repeat).": "你观察到的客户采购步骤信号（可重复）。",
    "Evidence note for the items marked --done.": "用 --done 标记的各项的证据说明。",
    "YAML file with done/undone/customer_step/signals.": "含 done/undone/customer_step/signals 的 YAML 文件。",
    "Diagnose a deal file; no database needed.": "诊断一个商机文件，不需要数据库。",
    "Diagnose a bundled example deal (see `example list`).": "诊断一个内置示例商机（见 example list）。",
    # pipeline
    "The manager's pipeline review: every deal ranked by risk, totals, forecast.":
        "经理的商机分析会：所有商机按风险排序，汇总与成交预测。",
    "Every open deal on one line, riskiest first: stage against the customer's step, the top warning, last touch and next follow-up, the next action; totals by stage and grade, a 30/90-day forecast, a table per rep, and with --since what changed.":
        "每个进行中的商机一行，风险最高的在前：我方阶段对照客户采购步骤、首要风险、上次联系与下次跟进、下一步；按阶段和级别汇总、未来 30/90 天成交预测、按销售代表的汇总表；加 --since 显示这段时间的变化。",
    "Only deals at this sales stage (its id, e.g. entry).": "只看处于这个销售阶段的商机（阶段编号，如 develop/entry，见 playbook show）。",
    "Only these grades: A, B, C, D, - (ungraded); repeat or A,B.": "只看这些级别：A、B、C、D，- 表示未分级；可重复，或写成 A,B。",
    "open, won, lost or all.": "状态：open/won/lost/all（进行中、赢单、丢单、全部）。",
    "Only deals at risk (a high warning, or the customer ahead of us).": "只看有风险的商机（有高级警示，或客户步骤领先于我方）。",
    "Only deals not touched for DAYS days or more (never contacted included).": "只看 天数 天及以上没有联系的商机（含从未联系的）。",
    "risk, amount, close, stale, grade, owner or name.": "排序：risk/amount/close/stale/grade/owner/name（风险、金额、预计成交、未联系天数、级别、负责人、名称）。",
    "Also show what changed since then, from the history.": "同时显示从那时起的变化（来自变更记录）。",
    "Write the rows to a .csv or .xlsx file.": "把各行写入 .csv 或 .xlsx 文件。",
    "Show this many deals (--json and -o carry all).": "显示多少个商机（--json 和 -o 包含全部）。",
    "Show this many deals (--json carries all).": "显示多少个商机（--json 包含全部）。",
    "Show every deal.": "显示全部商机。",
    "Review as of this date (YYYY-MM-DD).": "按这一天的情况分析（如 2027-03-15）。",
    # report
    "A deal brief or the pipeline review as one self-contained page (HTML or PDF).":
        "把商机简报或商机分析会做成一个独立的页面（HTML 或 PDF）。",
    "One self-contained page (no network needed to open it; prints on A4; reads on a phone): a deal brief with both processes, warnings, ranked actions, the power map, the people, the competition and the timeline; or with --pipeline the review with its charts.":
        "一个独立的页面（打开时不需要联网；可用 A4 打印；手机上也能看）：商机简报包括双方流程对照、风险警示、按优先级排列的行动、权力地图、客户方的人与策略、竞争态势和活动记录；加 --pipeline 则是带图表的商机分析会。",
    "The pipeline review of every open deal instead of one deal.": "生成所有进行中商机的分析会报告，而不是单个商机。",
    "Write to this file (default: stdout for HTML).": "写入这个文件（HTML 默认输出到标准输出）。",
    "html, or pdf (printed by a headless Chromium).": "格式：html/pdf（PDF 由无界面浏览器打印）。",
    "With --pipeline: only this rep's deals.": "配合 --pipeline：只看这位销售代表的商机。",
    "With --pipeline: also what changed since then.": "配合 --pipeline：同时显示从那时起的变化。",
    "As of this date (YYYY-MM-DD).": "按这一天的情况（如 2027-03-15）。",
    # deal
    "Your deals: create, list, show, edit, remove, import and export.": "你的商机：新建、列表、查看、修改、删除、导入和导出。",
    "Create a deal, by flags or (without --name, on a terminal) by answering a few questions.":
        "新建商机：用选项直接创建，或（不加 --name、在终端里）回答几个问题。",
    "Deal name.": "商机名称。",
    "The customer account.": "客户名称。",
    "six-step or eight-step (or your own).": "six-step（六步）或 eight-step（八步），也可以是你自己的剧本。",
    "Amount, e.g. 800000 or 800,000.": "金额，如 800000、800,000 或 80万。",
    "ISO currency code, e.g. CNY.": "ISO 币种代码，如 CNY。",
    "Expected close date, YYYY-MM-DD.": "预计成交日期，如 2027-03-15。",
    "0..1 or a percentage like 20%.": "0 到 1 之间的数，或百分比如 20%。",
    "The customer purchase step you observe.": "你观察到的客户采购步骤。",
    "Free notes.": "备注。",
    "A competitor's name (repeat).": "竞争对手名称（可重复）。",
    "List the stored deals with their status, stage, grade and next follow-up.": "列出已保存的商机，含状态、阶段、级别和下次跟进日期。",
    "id, risk, amount, close, stale, grade, owner or name.": "排序：id/risk/amount/close/stale/grade/owner/name（编号、风险、金额、预计成交、未联系天数、级别、负责人、名称）。",
    "Reassign the deal to this rep (recorded in its history).": "把商机转给这位销售代表（记入变更记录）。",
    "How settled the customer's purchase criteria are: unknown, uncertain, partial or settled (or 未知型, 半确定型...).":
        "客户的采购标准定到什么程度：未知型、不确定型、半确定型或确定型。",
    "Whom the criteria favour: us, neutral, competitor or unknown.": "采购标准偏向谁：我方、不偏向任何一方、竞争对手或未知。",
    "One of the customer's purchase criteria as they state it (repeat; replaces the list; '' clears it).":
        "客户说出的一条采购标准（可重复；替换原有的列表；填 '' 清空）。",
    "The account's decision culture: centralised or delegated (集权, 授权); '' clears it.":
        "客户的决策文化：集权或授权；填 '' 清除。",
    "Why this insider wants us to win: against-competitor, against-competitor-backers or likes-us (or 喜欢我们的盟友...).":
        "这位内线为什么希望我们赢：反对竞争对手的盟友、反对支持竞争对手的盟友或喜欢我们的盟友。",
    "How they have shown their support (e.g. introduced us to the purchase head).": "他表明过怎样支持（如把我们引荐给采购老总）。",
    "Their will to help us: high, medium, low or unknown.": "他帮我们的意愿：高、中、低或未知。",
    "Their ability to help us: high, medium, low or unknown.": "他帮我们的能力：高、中、低或未知。",
    "How they lead a decision: telling, selling, participating or delegating (告之型...).":
        "他怎样做决定：告之型、推销型、参与型或授权型。",
    "The decision maker has delegated this decision to them.": "核心决策者已把这次决定授权给他。",
    "Only this rep's deals.": "只看这位销售的商机。",
    "Show one deal: its fields, what is done (with evidence), the people, and its history.":
        "查看一个商机：各项信息、已完成的工作（含证据）、客户方的人和变更记录。",
    "Deal id or an unambiguous part of its name.": "商机编号，或能唯一确定商机的名称片段。",
    "Change a deal's fields by flags (or, with no flags on a terminal, by answering questions).":
        "用选项修改商机的信息（不加选项、在终端里时，逐项提问）。",
    "Remove a deal and its history (asks first; --yes to skip the question).": "删除商机及其变更记录（会先确认；加 --yes 不再询问）。",
    "Do not ask for confirmation.": "不询问确认。",
    "A file exported from this store updates its deal (matched by id, or by name and account; the changes are listed first); --as-new adds a copy instead. The owner in the file is kept.":
        "从本数据库导出的文件会更新原商机（按编号，或按名称和客户匹配；先列出改动）；加 --as-new 则另存一份新商机。文件中的负责人保持不变。",
    "Import deal files, all or nothing: one bad file imports none.": "导入商机文件，全部成功才导入：有一个文件有问题就一个都不导入。",
    "Add every file as a new deal, even one exported from this store.": "每个文件都作为新商机导入，即使它是从本数据库导出的。",
    "Show what would be added or updated; change nothing.": "只显示将新建或更新什么，不做任何修改。",
    "Deal files (YAML).": "商机文件（YAML）。",
    "Export a deal as a deal file (YAML) that `deal import` and `stage --deal-file` read back.":
        "把商机导出为商机文件（YAML），可再用 deal import 或 stage --deal-file 读入。",
    "Write to FILE instead of stdout.": "写入文件，而不是打印到标准输出。",
    "When the next key milestone falls (a decision meeting, the bid opening); '' clears it.":
        "下一个关键节点的日期（如决策会、开标）；填 '' 清除。",
    "A pain's need type, e.g. 交货不及时=基本型 (basic, expected, exciting, indifferent, reverse; repeat).":
        "痛点的需求类型，如 交货不及时=基本型（基本型、期望型、兴奋型、无差异、反向型；可重复）。",
    "Close a deal won or lost, with the reason.": "结束商机：赢单或丢单，并记下原因。",
    "Closed won, or lost.": "赢单还是丢单。",
    "Why it was won or lost.": "赢单或丢单的原因。",
    "Close date (default: today), YYYY-MM-DD.": "结束日期（默认今天），如 2027-03-15。",
    "Mark a won customer as VIP, and later as loyal (a repeat purchase).": "把赢单的客户标为 VIP 客户，之后再次购买时标为忠诚客户。",
    "The VIP customer bought again.": "VIP 客户再次购买。",
    "No longer a VIP customer.": "不再是 VIP 客户。",
    # people
    "The people on a deal's buying side: roles, attitude, influence, contact.": "商机中客户方的人：采购角色、态度、影响力、接触程度。",
    "Add a person to a deal, by flags or (without --name, on a terminal) by answering questions.":
        "给商机添加客户方的人：用选项，或（不加 --name、在终端里）回答问题。",
    "Name (or how you call them, e.g. 涂主任).": "姓名或称呼，如 涂主任。",
    "Job title.": "职务。",
    "Department.": "部门。",
    "senior, middle or staff.": "层级：高层、中层或基层。",
    "A buying role id, e.g. decision-maker, insider (repeat).": "采购角色，如 核心决策者、内线（可重复）。",
    "supporter, neutral, opponent or unknown.": "态度：支持、中立、反对或未知。",
    "high, medium, low or unknown.": "影响力：高、中、低或未知。",
    "none, brief, regular or deep.": "接触程度：未接触、见过、常联系或深交。",
    "Their boss on this deal ('' for nobody).": "此人在这个商机中的上级（填 '' 表示没有）。",
    "inner, edge or outer (around their boss).": "与上级的圈子：内圈、边圈或外圈。",
    "The camp (派系) they belong to, as you name it.": "此人所属的派系（按你的叫法）。",
    "Does their boss trust them: trusted, doubted or nominal (上司认可/怀疑/名义上的中层).":
        "上司是否认可此人：上司认可、上司怀疑其能力，或名义上的中层。",
    "Do they follow their boss: follows or resists (服从/不服从).": "此人是否服从上司：服从上司或不服从上司。",
    "An increment answer, e.g. 获益=每年省80万 (repeat; QUESTION= clears it).":
        "增量问题的答案，如 获益=每年省80万（可重复；只写“问题=”清除这一项）。",
    "safety, belonging, esteem, self-actualisation (repeat).": "个人需求：安全、归属、尊重、自我实现（可重复）。",
    "The project is (not) on their KPI.": "这个项目（不）在此人的考核指标里。",
    "Recently joined or changed role.": "新到任或刚换岗位。",
    "Our plan for this person.": "我们对此人的工作计划。",
    "Phone number.": "电话号码。",
    "Notes.": "备注。",
    "List the people on a deal.": "列出商机中客户方的人。",
    "How to work with one person: role traits and strategy, what their department cares about, and the questions on their organisational need, personal desire and pressure points.":
        "怎么做一个人的工作：角色特点和策略、所在部门关心什么，以及关于组织需求、个人愿望和压力点的问题。",
    "The person's name (or an unambiguous part).": "此人的姓名（或能唯一确定此人的片段）。",
    "Change a person's fields (only those given; '' clears a text field; --role replaces the roles). With no flags, on a terminal: asks their circle, boss's trust, faction, KPI, needs and increment.":
        "修改一个人的信息（只改给出的项；'' 清空文字项；--role 替换全部角色）。不带选项、在终端里运行时，逐项询问此人的圈子、上司是否认可、派系、KPI、个人需求和增量问题。",
    "Remove a person from a deal (whoever reported to them then reports to their boss).": "从商机中删除一个人（原来向此人汇报的人改为向其上级汇报）。",
    # map
    "The power map of a deal: reporting lines, roles, coverage and gaps.": "商机的权力地图：汇报关系、角色、覆盖情况和缺口。",
    "Map a deal file; no database needed.": "画一个商机文件的权力地图，不需要数据库。",
    "terminal, mermaid, dot, svg or png.": "输出格式：terminal（终端）、mermaid、dot、svg 或 png。",
    "Write to FILE (needed for svg/png).": "写入文件（svg、png 格式必须指定）。",
    # call-script
    "The phone invitation (电话邀约): pre-call check, the three steps, objections, visit plan.":
        "电话邀约：通话前检查、三个步骤、可能的异议和拜访计划。",
    "The script adapts to who is called (role and level on the power map) and to the deal's stage; your own name, company and offer come from `dealcoach profile set`. --live walks the call and records the outcome, the pains confirmed and the meeting on the deal; --outcome records it without questions. --confirmed-pain alone shows the script as it goes on once they have confirmed those problems. A cold call needs only --contact and --account.":
        "话术随通话对象（在权力地图上的角色和层级）和商机所处阶段而变；你的姓名、公司和产品取自 dealcoach profile set。--live 边打边引导，并把结果、确认的问题和约定的会面记到商机上；--outcome 不提问直接记录。只给 --confirmed-pain 时，显示对方确认了这些问题之后的话术。陌生电话只需 --contact 和 --account。",
    "A deal file; no database needed.": "一个商机文件，不需要数据库。",
    "A bundled example deal (see `example list`).": "一个内置示例商机（见 example list）。",
    "What each person may object to at this stage: the evidence and the risk commitments.":
        "每个人在这个阶段可能提出的异议：要准备的证据和风险承诺。",
    "Per person on the buying side: what they may say at this stage (by the eight causes), the evidence to prepare for how far they trust us, the risk it voices and the commitment that lowers it, and the decision blockers they show. Read it before the meeting you will not attend.":
        "按客户方的每个人：这个阶段他可能说什么（按异议的八类原因），按他对我们的信任程度准备什么证据，异议背后担心的风险和降低风险的承诺，以及他表现出的决策阻碍。在你不在场的会议之前读一遍。",
    "Predict for this sales stage instead of the current one (a stage id).": "按这个销售阶段预测，而不是当前阶段（填阶段编号）。",
    "Whom you call: a person on the deal, or anyone on a cold call.": "打给谁：商机中的一个人，或陌生电话的任何联系人。",
    "Cold call: the account (no deal needed).": "陌生电话：客户公司（不需要商机）。",
    "Cold call: the contact's job title.": "陌生电话：对方的职务。",
    "Cold call: the account's industry (for likely pains).": "陌生电话：对方所在行业（用来推测可能的问题）。",
    "Cold call: the contact's buying role, e.g. decision-maker (repeat).": "陌生电话：对方的采购角色，如 核心决策者（可重复）。",
    "Cold call: senior, middle or staff.": "陌生电话：对方层级，高层、中层或基层。",
    "Cold call: six-step (default) or eight-step.": "陌生电话：six-step（默认）或 eight-step。",
    "terminal (default) or markdown.": "输出格式：terminal（默认）或 markdown。",
    "Write the printable Markdown script to FILE.": "把可打印的 Markdown 话术写入文件。",
    "Walk the call step by step and record what you learn (a terminal is needed).": "通话时一步步引导，并记下了解到的情况（需要终端）。",
    "Record a call: no-answer, connected, refused, call-back or meeting-booked.": "记录通话结果：未接通、已接通、被拒绝、约好回电或约到见面。",
    "A problem the contact confirmed (repeat): the meeting is proposed on it; with --outcome it is recorded on that person.": "对方确认的问题（可重复）：约见面时就谈这些问题；和 --outcome 一起给时，记到这个人名下。",
    "The booked meeting's time.": "约定的见面时间。",
    "The booked meeting's place.": "约定的见面地点。",
    "Who attends the meeting (repeat).": "参加见面的人（可重复）。",
    "A meeting topic (repeat).": "见面要谈的问题（可重复）。",
    "What we prepare for the meeting.": "我方为见面准备的内容。",
    "What they prepare for the meeting.": "对方为见面准备的内容。",
    "A note on the call.": "这通电话的备注。",
    # grade
    "Grade prospects A/B/C/D by expected close and win probability, capped by the assessment.":
        "按预计成交时间和成交可能性给客户分 A/B/C/D 级，评估不通过时降低上限。",
    "Reads CRM exports (HubSpot, Salesforce) and spreadsheets with Chinese or English headers with no mapping file; prints the best first with the rule that fired, the action and the next follow-up. With --deals it grades the stored deals and saves the computed grade (your manual grade is kept).":
        "直接读取 CRM 导出文件（HubSpot、Salesforce）和中英文表头的电子表格，无需映射文件；按级别从高到低列出，附上定级依据、行动和下次跟进时间。加 --deals 时给已保存的商机分级并保存计算结果（你手动定的等级保持不变）。",
    "Prospect files: CSV, TSV, XLSX, JSON or YAML.": "客户文件：CSV、TSV、XLSX、JSON 或 YAML。",
    "Grade the stored deals and save the computed grade on each.": "给已保存的商机分级，并把计算出的等级存到每个商机上。",
    "Show the best N (the table shows 50 by default).": "只显示前若干个（表格默认显示 50 个）。",
    "One prospect's full reasoning.": "一个客户的完整定级理由。",
    "Write every row with its grade to FILE.csv or FILE.xlsx.": "把每一行连同等级写入 .csv 或 .xlsx 文件。",
    "Fail (exit 1) if any row is bad.": "任何一行有问题都算失败（退出码 1）。",
    "The result columns' headers in -o: words in your language, or ids for scripts.":
        "-o 导出文件中结果列的表头：words 用你的语言，ids 用编号（供脚本使用）。",
    "Which column holds a field (repeat), e.g. --map close=签约时间.": "指定字段所在的列（可重复），如 --map close=签约时间。",
    "YAML/JSON file of FIELD: COLUMN lines.": "每行“字段: 列名”的 YAML/JSON 文件。",
    "Playbook whose grading rules apply to files (default six-step).": "用哪个剧本的分级规则给文件分级（默认 six-step）。",
    "Grade as of this date (YYYY-MM-DD).": "按这一天分级（如 2027-03-15）。",
    "Set your own grade on a stored deal (DEAL=none clears it).": "给已保存的商机手动定级（商机=none 清除）。",
    "Why you set that grade (with --set).": "手动定级的理由（与 --set 一起用）。",
    "Record assessment scores on a stored deal.": "给已保存的商机记录评估分数。",
    "An assessment score for --assess (repeat).": "--assess 的一项评估分数（可重复）。",
    "How well a kind of information is known, for --assess (eight-step).": "--assess 用：某类信息掌握得如何（八步流程）。",
    "Compare with a competitor, for --assess (eight-step).": "--assess 用：与一个竞争对手比较（八步流程）。",
    # log, followup, funnel
    "The activity log: calls, visits, emails, meetings.": "跟进记录：电话、拜访、邮件、会议。",
    "`dealcoach log DEAL` shows it; `dealcoach log add DEAL` adds to it.":
        "dealcoach log DEAL 查看；dealcoach log add DEAL 添加。",
    "The activity's number as `dealcoach log DEAL` lists it (or its id).": "这条记录在 dealcoach log 商机 列表里的序号（或它的编号）。",
    "The corrected outcome, e.g. connected.": "更正后的结果，如已接通。",
    "When, e.g. 2027-03-15 14:30.": "时间，如 2027-03-15 14:30。",
    "Correct one logged activity (recorded in the deal's history).": "更正一条跟进记录（写入商机的变更记录）。",
    "Remove one logged activity entered by mistake (asks first; --yes to skip; recorded in history).":
        "删除一条记错的跟进记录（先询问；加 --yes 不问；写入变更记录）。",
    "Show a deal's activities, newest last.": "查看商机的跟进记录，最新的在最后。",
    "Log an activity; for a visit, the visit summary form (上门拜访总结报告表) is asked field by field.":
        "记录一次跟进；拜访时逐项填写上门拜访总结报告表。",
    "call, visit, email, meeting, demo or other.": "方式：电话、拜访、邮件、会议、演示或其他。",
    "call: no-answer, connected, refused, call-back, meeting-booked; visit/meeting/demo: held, cancelled; email: sent, replied.":
        "结果——电话：未接通、已接通、被拒绝、约好回电、约到面谈；拜访、会议、演示：已进行、取消；邮件：已发送、已回复。",
    "What happened.": "发生了什么。",
    "Who (a person on the deal).": "和谁（商机中的一个人）。",
    "When (default: now), YYYY-MM-DD[THH:MM].": "时间（默认现在），如 2027-03-15 或 2027-03-15T14:30。",
    "The follow-up pretext used, e.g. festival-greeting.": "这次用的跟进理由，如 festival-greeting（节日问候）。",
    "Visit summary field: FIELD=VALUE (repeat).": "拜访总结的一项：字段=内容（可重复）。",
    "Today's call list by grade rhythm, with a fresh pretext.": "今天该联系的客户：按等级节奏排列，附上新的跟进理由。",
    "Overdue first, then by each deal's grade rhythm and last touch, with who to contact and why now.":
        "逾期的在前，再按每个商机的等级节奏和上次联系时间排列，写明联系谁、为什么是现在。",
    "Also list what falls due in the next N days.": "同时列出未来若干天内到期的跟进。",
    "Plan as of this date (YYYY-MM-DD).": "按这一天排计划（如 2027-03-15）。",
    "Write the plan as an iCalendar file.": "把计划写成 iCalendar 日历文件。",
    "Rows the table shows (--json and --ics carry all).": "表格显示的行数（--json 和 --ics 含全部）。",
    "Show every row.": "显示全部行。",
    "The conversion funnel from the log, and where the work leaks.": "根据跟进记录算出的转化漏斗，以及在哪一环流失。",
    "The rates: 有效电话率, 预约面谈率, 约见成功率, 成交率, VIP 转化率, VIP 转忠诚率, with what to work on; then stage conversion and days in stage.":
        "各项转化率：有效电话率、预约面谈率、约见成功率、成交率、VIP 客户转化率、VIP 客户转忠诚率，以及该改进什么；还有各销售阶段的转化率和停留天数。",
    "From this date (YYYY-MM-DD).": "起始日期（如 2027-01-01）。",
    "Up to this date (YYYY-MM-DD).": "截止日期（如 2027-03-31）。",
    "Whose stages and funnel advice to use.": "用哪个剧本的阶段和漏斗建议。",
    # playbook, example, profile, db, path
    "The bundled and your own playbooks (the methodology as data).": "内置的和你自己的剧本（写成数据的销售方法）。",
    "List the playbooks: id, name, steps, source, where each was loaded from.": "列出剧本：编号、名称、步骤数、来源和加载位置。",
    "Show how the customer's purchase steps map to our sales stages; one stage in full with --stage.":
        "查看客户采购步骤与我方销售阶段的对应关系；用 --stage 查看一个阶段的全部内容。",
    "Playbook id, e.g. six-step.": "剧本编号，如 six-step。",
    "Show one sales stage in full.": "查看一个销售阶段的全部内容。",
    "Validate playbook files: every error with its file, line and field; exit 1 if any is invalid.":
        "检查剧本文件：列出每个错误的文件、行号和字段；有任何错误时退出码为 1。",
    "Playbook files (default: the bundled ones).": "剧本文件（默认检查内置剧本）。",
    "Bundled example deals from the source cases.": "取自原文案例的内置示例商机。",
    "List the example deals; run one with `dealcoach stage --example NAME`.": "列出示例商机；用 dealcoach stage --example 名称 运行其中一个。",
    "Your own details for call scripts: name, company, offer, phone (set once).": "你自己的信息，电话话术会用到：姓名、公司、产品、电话（设置一次即可）。",
    "Save your name, company, offer and phone for call scripts ('' clears a field).": "保存你的姓名、公司、产品和电话，供电话话术使用（'' 清空一项）。",
    "With no flags, asks for each (a terminal is needed). The file is readable by you only.": "不加选项时逐项提问（需要终端）。文件只有你自己能读。",
    "Your name as you introduce yourself.": "你自我介绍时用的姓名。",
    "Your company.": "你的公司。",
    "What you offer, in a few words.": "你们的产品或服务，一句话。",
    "Your phone number.": "你的电话号码。",
    "Show your saved profile and where it is kept.": "查看已保存的个人资料及其存放位置。",
    "The database: migrations, and a portable backup to move between SQLite and PostgreSQL.": "数据库：结构迁移，以及可在 SQLite 和 PostgreSQL 之间迁移的通用备份。",
    "Apply pending schema migrations (every command also applies them when it opens the store).": "应用待执行的数据库结构迁移（每个命令打开数据库时也会自动应用）。",
    "Write every deal and its history to a portable JSON file (readable by you only).": "把所有商机及变更记录写入一个通用 JSON 文件（只有你自己能读）。",
    "Where to write the JSON dump.": "JSON 备份写到哪里。",
    "Load a backup into an empty database, keeping ids, versions and history (all or nothing).": "把备份载入一个空数据库，保留编号、版本和变更记录（全部成功才写入）。",
    "A file written by `db backup`.": "由 db backup 写出的文件。",
    "Where the database, your playbooks and your profile live (DEALCOACH_HOME moves them all).": "数据库、你的剧本和个人资料存放在哪里（设置 DEALCOACH_HOME 可整体搬走）。",
}

# What an option's value is, as --help shows it (`--close DATE`, zh `--close 日期`), instead of the
# type Typer would show (<str>, <list[str]>). An option not listed here is named after itself
# (--account ACCOUNT); an option or argument that sets its own metavar keeps it. Each word needs its
# Chinese below (tests/test_language.py).
METAVARS: dict[str, str] = {
    "--lang": "LANG", "--close": "DATE", "--date": "WHEN", "--today": "DATE", "--until": "DATE", "--since": "DATE",
    "--meeting-time": "WHEN", "--note": "TEXT", "--notes": "TEXT", "--evidence": "TEXT", "--reason": "TEXT",
    "--plan": "TEXT", "--offer": "TEXT", "--we-prepare": "TEXT", "--they-prepare": "TEXT", "--topic": "TEXT",
    "--confirmed-pain": "TEXT", "--meeting-place": "PLACE", "--customer-step": "STEP", "--competitor": "NAME",
    "--attendee": "NAME", "--contact": "NAME", "--reports-to": "NAME", "--owner": "REP", "--deal-file": "FILE",
    "--answers": "FILE", "--ics": "FILE", "-o": "FILE", "--mapping": "FILE", "--done": "ID", "--undone": "ID",
    "--days": "DAYS", "--limit": "COUNT", "--milestone-date": "DATE", "--top": "COUNT", "--sort": "KEY", "--form": "FIELD=TEXT", "--grade": "GRADE",
    "--criteria-state": "STATE", "--criteria-favour": "SIDE", "--criterion": "TEXT", "--culture": "CULTURE",
    "--motive": "MOTIVE", "--support": "TEXT", "--will": "DEGREE", "--ability": "DEGREE", "--style": "STYLE",
}
METAVARS_ZH: dict[str, str] = {
    "LANG": "语言", "DATE": "日期", "WHEN": "时间", "TEXT": "文字", "PLACE": "地点", "STEP": "步骤", "NAME": "名称",
    "REP": "销售", "FILE": "文件", "ID": "编号", "DAYS": "天数", "COUNT": "数量", "N": "序号", "KEY": "排序", "FIELD": "字段",
    "GRADE": "等级", "ACCOUNT": "客户", "AMOUNT": "金额", "PROBABILITY": "可能性", "CURRENCY": "币种",
    "PLAYBOOK": "剧本", "DEAL": "商机", "EXAMPLE": "示例", "SIGNAL": "信号", "ROLE": "角色", "NEED": "需求",
    "STAGE": "阶段", "STATUS": "状态", "PRETEXT": "跟进理由", "INDUSTRY": "行业", "PHONE": "电话",
    "COMPANY": "公司", "TITLE": "职务", "DEPARTMENT": "部门", "LEVEL": "层级", "CIRCLE": "圈子",
    "ATTITUDE": "态度", "INFLUENCE": "影响力", "KIND": "方式", "OUTCOME": "结果", "FORMAT": "格式",
    "FACTOR": "评估项", "SCORE": "分数", "COLUMN": "列名", "RIVAL": "对手", "DIM": "维度", "HEADERS": "表头",
    "ASSESS": "商机", "EXPLAIN": "客户", "MAP": "字段=列名", "SET": "商机=等级", "INFO": "信息",
    "COMPARE": "对手", "OPTIONS": "选项", "COMMAND": "命令", "ARGS": "参数", "PATHS": "文件",
    "ACTIVITY": "记录", "PERSON": "人",
    "STATE": "程度", "SIDE": "偏向", "CULTURE": "文化", "MOTIVE": "动机", "DEGREE": "高低", "STYLE": "风格",
    "FACTION": "派系", "BOSS_TRUST": "上司认可", "FOLLOWS_BOSS": "服从上司", "QUESTION": "问题", "ANSWER": "答案", "PAIN": "痛点", "TYPE": "类型",
}
_METAVAR_WORD = re.compile(r"\b[A-Z][A-Z_]*\b")
_REQUIRED_ARGUMENT = re.compile(r"\{([^{}]*)\}")


def metavar_for(option: str) -> str:
    """The English placeholder of an option's value: `--close` -> DATE, `--account` -> ACCOUNT."""
    return METAVARS.get(option) or option.lstrip("-").replace("-", "_").upper()


def name_values(command) -> None:
    """Give each option of `command` (and its subcommands) a placeholder saying what its value is,
    and show an argument by its name alone (Typer adds its Python type: `DEAL <str>`)."""
    for param in command.params:
        if param.param_type_name == "argument":
            param.display_type_rich = lambda ctx=None: None
            if param.metavar is None:
                param.metavar = param.name.upper()
        elif not (param.is_flag or param.count) and param.metavar is None:
            param.metavar = metavar_for(param.opts[0])
    for sub in getattr(command, "commands", {}).values():
        name_values(sub)


def translate_metavars(text: str, lang: str) -> str:
    """`--close DATE` as a Chinese reader sees it: `--close 日期` (options and typed values stay)."""
    if not lang.startswith("zh"):
        return text
    text = _REQUIRED_ARGUMENT.sub(r"\1", text)  # Typer's usage line writes a required argument as {DEAL}
    return _localize(_METAVAR_WORD.sub(lambda m: METAVARS_ZH.get(m[0], m[0]), text), lang)


_CLICK_WORDS_ZH = {"Options": "选项", "Arguments": "参数", "Commands": "命令", "default": "默认", "required": "必填",
                   "env var": "环境变量", "Example": "示例", "Examples": "示例"}


def help_key(text: str) -> str:
    """A paragraph as the catalogue keys it: whitespace collapsed (Click rewraps it anyway)."""
    return " ".join(text.split())


def translate_paragraph(text: str, lang: str) -> str:
    """One paragraph of help in `lang`; English (and anything without a translation) as written."""
    if not lang.startswith("zh"):
        return text
    key = help_key(text)
    for word in ("Example", "Examples"):  # "Example: dealcoach ..." keeps the command, not the word
        if key.startswith(word + ":"):
            return _localize(_CLICK_WORDS_ZH[word] + "：" + key[len(word) + 1:].lstrip(), lang)
    extra = ""
    if key.endswith("]") and "  [" in text:  # Typer's "help  [default: x; required]"
        text, _, extra = text.rpartition("  [")
        key = help_key(text)
        extra = "  [" + "；".join(_click_word(part) for part in extra[:-1].split("; ")) + "]"
    translated = HELP_ZH.get(key)
    if translated is None and key.endswith("..."):  # a group lists each command's help cut short
        translated = next((zh for en, zh in HELP_ZH.items() if en.startswith(key[:-3])), None)
    return (key if translated is None else _localize(translated, lang)) + extra


def _click_word(part: str) -> str:
    name, sep, value = part.partition(": ")
    word = _CLICK_WORDS_ZH.get(name, name)
    return f"{word}：{value}" if sep else word


def _localize(text: str, lang: str) -> str:
    from dealcoach.language import localize

    return localize(text, lang)  # type: ignore[arg-type]


def translate_help(text: str, lang: str) -> str:
    """A whole help text, paragraph by paragraph (paragraphs are separated by blank lines)."""
    if not lang.startswith("zh"):
        return text
    return "\n\n".join(translate_paragraph(part, lang) for part in text.split("\n\n"))


def use_language_for_help(lang: str) -> None:
    """Make Click format help in `lang`: its own words, our paragraphs, CJK-aware wrapping."""
    from typer._click import core, exceptions

    core.Context.formatter_class = _formatter_class(lang)
    # usage errors too ("No such option"): Chinese readers get them in Chinese, English as Click says
    if not hasattr(exceptions.UsageError, "_english_show"):
        exceptions.UsageError._english_show = exceptions.UsageError.show  # type: ignore[attr-defined]
    exceptions.UsageError.show = (_show_usage_error(lang) if lang.startswith("zh")  # type: ignore[method-assign]
                                  else exceptions.UsageError._english_show)  # type: ignore[attr-defined]


def _formatter_class(lang: str):
    from typer._click.formatting import HelpFormatter

    if not lang.startswith("zh"):
        return HelpFormatter

    from dealcoach.typeset import wrap, width

    class ChineseHelpFormatter(HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, translate_metavars(args, lang), _localize("用法：", lang) if prefix is None else prefix)

        def write_heading(self, heading: str) -> None:
            self.write(f"{'':>{self.current_indent}}{_localize(_CLICK_WORDS_ZH.get(heading, heading), lang)}：\n")

        def write_text(self, text: str) -> None:
            indent = " " * self.current_indent
            lines: list[str] = []
            for paragraph in translate_help(text, lang).split("\n\n"):
                if lines:
                    lines.append("")
                lines += [indent + line for line in wrap(help_key(paragraph), max(self.width - self.current_indent, 20))]
            self.write("\n".join(lines) + "\n")

        def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
            rows = [(translate_metavars(first, lang), second) for first, second in rows]
            first_col = min(max((width(first) for first, _ in rows), default=0), col_max) + col_spacing
            for first, second in rows:
                self.write(f"{'':>{self.current_indent}}{first}")
                if not second:
                    self.write("\n")
                    continue
                if width(first) <= first_col - col_spacing:
                    self.write(" " * (first_col - width(first)))
                else:
                    self.write("\n" + " " * (first_col + self.current_indent))
                lines = wrap(translate_paragraph(second, lang), max(self.width - first_col - self.current_indent, 10))
                self.write(lines[0] + "\n")
                for line in lines[1:]:
                    self.write(f"{'':>{first_col + self.current_indent}}{line}\n")

    return ChineseHelpFormatter


# Click's own usage errors ("No such option: --x") go through the one phrase catalogue
# (error_text.PHRASES_ZH); Typer's vendored Click writes them in English only. Applied at display
# time, so what Click raises is unchanged.


def _show_usage_error(lang: str):
    def show(self, file=None) -> None:
        from typer._click._compat import get_text_stderr
        from typer._click.utils import echo

        from dealcoach.error_text import error_prefix, localize_error

        file = file or get_text_stderr()
        color = self.ctx.color if self.ctx is not None else None
        if self.ctx is not None:
            hint = ""
            if self.ctx.command.get_help_option(self.ctx) is not None:
                hint = _localize(f"运行 {self.ctx.command_path} {self.ctx.help_option_names[0]} 查看帮助。", lang) + "\n"
            echo(f"{self.ctx.get_usage()}\n{hint}", file=file, color=color)
        # "Missing argument 'DEAL'": the argument by the name its help gives it (商机)
        echo(error_prefix(lang) + translate_metavars(localize_error(self.format_message(), lang), lang), file=file,
             color=color)

    return show
