"""Staff dialog over the main area: take in next year's report or plan, review its proposals, apply.

Widgets only. Reading and proposing come from ``geo.intake.take_in`` (the same call as the
command line), saving from ``geo.intake.apply`` and undo from ``projects.documents`` (the store
checks the login again, whatever this panel shows). The review rows sit in one form, so ticking
boxes and editing fields costs no rerun until 「应用」.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from typing import Any

import streamlit as st

from geo import intake
from projects import clock, store, vocab
from projects import documents as docs
from projects.errors import CatalogError
from projects.vocab import PRECISION_LABELS, SECTORS, STATUSES
from ui.details import md_text
from ui.edit import current_editor

K_NONCE, K_FLASH, K_TAKEN, K_OPEN = "in_nonce", "in_flash", "in_taken", "in_open"
PART_LABELS = {"review": "上年回顾", "plan": "本年安排", None: "全文"}


def render() -> None:
    """A line for a logged-in editor above the map, opening the intake dialog (nothing for viewers)."""
    editor = current_editor()
    if editor is None:
        return
    flash = st.session_state.pop(K_FLASH, None)
    left, right = st.columns([4, 1], vertical_alignment="center")
    if flash:
        left.success(md_text(flash))
    else:
        left.caption("工作人员：收录新一年的政府工作报告或新的规划，逐条审阅后更新项目。")
    right.button("收录新文件…", key="in_open_button", on_click=_open, width="stretch")
    if st.session_state.get(K_OPEN):
        _dialog(editor)


def _open() -> None:
    st.session_state[K_OPEN] = True


def _close() -> None:
    st.session_state[K_OPEN] = False


@st.dialog("收录新文件：政府工作报告或规划", width="large", on_dismiss=_close)
def _dialog(editor: Any) -> None:
    """Applied batches (with undo), then upload, confirm, review and apply."""
    nonce = st.session_state.setdefault(K_NONCE, 0)
    _kept(editor)
    upload = st.file_uploader(
        f"上传文件（文本须为 UTF-8 或 GBK 编码；PDF 须带文字层；不超过 "
        f"{docs.MAX_BYTES // 2**20} MB）",
        type=["txt", "docx", "pdf"],
        max_upload_size=docs.MAX_BYTES // 2**20,
        key=f"in_file_{nonce}",
    )
    if upload is None:
        st.caption(
            "上传后先确认标题、日期和类型，再逐条审阅：采纳、修改或不采纳，原文行号列在旁边。"
            "点击「应用」前目录不会有任何改动；应用后可整批撤销。"
        )
        return
    _review(upload.getvalue(), upload.name, editor, nonce)


def _kept(editor: Any) -> None:
    """Documents taken in before, with an undo for each applied batch not undone yet."""
    try:
        index = docs.read_index()
    except CatalogError as exc:
        st.error(md_text(exc.message_zh))
        return
    for doc_id, entry in index.items():
        for batch in entry.get("batches", []):
            if batch.get("undone") is not None:
                continue
            left, right = st.columns([4, 1])
            left.caption(
                md_text(
                    f"已采纳：《{entry.get('title')}》（{entry.get('date')}，{doc_id}）"
                    f"{len(batch['rows'])} 条，修改历史第 {batch['seq']} 次保存，{batch['by']}"
                )
            )
            if right.button("撤销这批", key=f"in_undo_{doc_id}_{batch['seq']}"):
                try:
                    docs.undo_intake(doc_id, editor, seq=batch["seq"])
                except CatalogError as exc:
                    st.error(md_text(exc.message_zh))
                    return
                st.session_state[K_FLASH] = f"已撤销《{entry.get('title')}》的这批采纳。"
                st.session_state[K_OPEN] = False
                st.rerun()


def _meta(lines: list[str], filename: str, key: str) -> docs.DocumentMeta:
    """Title, issuer, date, kind and plan boundary as staff confirm them (guessed from the text)."""
    guess = docs.propose_meta(lines, filename)
    a, b = st.columns(2)
    title = a.text_input("文件标题", guess.title, key=f"{key}_title")
    issuer = b.text_input("发布机关", guess.issuer, key=f"{key}_issuer")
    c, d, e = st.columns(3)
    day = c.date_input(
        "发布日期",
        date.fromisoformat(guess.date),
        min_value=date(1990, 1, 1),
        max_value=clock.today(),
        key=f"{key}_date",
    )
    kind = d.radio(
        "文件类型",
        list(docs.DOC_KINDS),
        index=list(docs.DOC_KINDS).index(guess.kind),
        format_func=docs.DOC_KINDS.get,
        key=f"{key}_kind",
    )
    first, last = e.slider(
        "规划期", 1990, 2100, (guess.period[0], guess.period[1]), key=f"{key}_period"
    )
    boundary = None
    if kind == docs.REPORT:
        boundary = st.number_input(
            "「××年工作安排」所在行（之前为上年回顾，之后为本年安排）",
            min_value=2,
            max_value=max(len(lines), 2),
            value=guess.boundary or 2,
            key=f"{key}_boundary",
        )
        st.caption(
            md_text(
                f"第 {boundary} 行：{lines[boundary - 1][:60] if boundary <= len(lines) else ''}"
            )
        )
    return docs.DocumentMeta(title, issuer, day.isoformat(), kind, (first, last), boundary)


def _review(data: bytes, filename: str, editor: Any, nonce: int) -> None:
    sha = hashlib.sha256(data).hexdigest()
    key = f"in_{sha[:12]}_{nonce}"
    try:
        text = docs.read_document(data, filename)
    except CatalogError as exc:
        st.error(md_text(exc.message_zh))
        return
    st.caption(
        md_text(
            f"{filename}：读出 {len(text.lines)} 行"
            + (f"，{text.pages} 页" if text.pages else "")
            + (f"，去掉页眉页脚和页码 {text.dropped} 行" if text.dropped else "")
            + (f"，编码 {text.encoding}" if text.encoding else "")
            + "。"
        )
    )
    meta = _meta(list(text.lines), filename, key)
    request = (sha, meta, store.catalog_version())
    cached = st.session_state.get(K_TAKEN)
    if cached is None or cached[0] != request:
        try:
            with st.spinner("正在识别项目……"):
                taken = intake.take_in(data, filename, meta)
        except CatalogError as exc:
            st.error(md_text(exc.message_zh))
            return
        st.session_state[K_TAKEN] = cached = (request, taken)
    taken: docs.Intake = cached[1]
    if taken.known:
        st.warning(
            md_text(
                f"这份文件（或内容相同的文件）已于此前收录：《{taken.known.get('title')}》"
                f"（{taken.known['doc_id']}）。再次采纳会在修改历史中另记一批。"
            )
        )
    counts = docs.counts(taken.rows)
    st.markdown(
        "**" + "，".join(f"{docs.KIND_LABELS[k]} {n} 条" for k, n in counts.items() if n) + "**"
    )
    actionable = [r for r in taken.rows if r.kind != docs.SAME]
    same = [r for r in taken.rows if r.kind == docs.SAME]
    with st.form(f"{key}_form"):
        catalog = store.load() if any(r.candidates for r in actionable) else []
        reviewed = [_row(r, key, catalog) for r in actionable]
        if same:
            with st.expander(f"无变化 {len(same)} 条（文件所述与目录一致）"):
                st.dataframe(
                    [
                        {
                            "行": r.line,
                            "项目": r.project_name,
                            "状态": r.status,
                            "原文": r.source_text,
                        }
                        for r in same
                    ],
                    hide_index=True,
                )
        submitted = st.form_submit_button(
            "应用已采纳的建议（一次保存，记入修改历史）", type="primary"
        )
    if not submitted:
        return
    try:
        applied = intake.apply(taken, reviewed, editor)
    except CatalogError as exc:
        st.error(md_text(exc.message_zh))
        return
    st.session_state[K_FLASH] = (
        f"已采纳《{meta.title}》：更新 {len(applied.updated)} 个项目，新增 "
        f"{len(applied.created)} 个（修改历史第 {applied.seq} 次保存）。"
    )
    st.session_state[K_NONCE] = nonce + 1
    st.session_state[K_OPEN] = False
    st.session_state.pop(K_TAKEN, None)
    st.rerun()


def _row(r: docs.Proposal, key: str, catalog: list[dict[str, Any]]) -> docs.Proposal:
    """One review row: decision, the fields staff may edit, and the source line beside them."""
    k = f"{key}_{r.row}"
    with st.container(border=True):
        left, right = st.columns([3, 2])
        head = f"{r.row}. 【{docs.KIND_LABELS[r.kind]}】{r.name}"
        if r.project_name and r.project_name != r.name:
            head += f"（目录中：{r.project_name}）"
        if r.kind == docs.UPDATE:
            head += f"：{r.old_status} → {r.status}"
        left.markdown(md_text(head))
        where = PART_LABELS.get(r.part, "")
        left.caption(md_text(f"原文第 {r.line} 行（{where}，{r.section}）：{r.source_text}"))
        left.caption(md_text(f"依据：{r.cue or '（无动词）'}；{r.basis}"))
        if r.note:
            left.caption(md_text(f"注意：{r.note}"))
        accept = right.checkbox("采纳", value=r.decision == docs.ACCEPT, key=f"{k}_accept")
        status = right.selectbox(
            "状态", STATUSES, index=_index(STATUSES, r.status), key=f"{k}_status"
        )
        out = replace(r, decision=docs.ACCEPT if accept else docs.REJECT, status=status)
        if r.kind == docs.NEW:
            name = right.text_input("名称", r.name, key=f"{k}_name")
            sector = right.selectbox(
                "领域", SECTORS, index=_index(SECTORS, r.sector), key=f"{k}_sector"
            )
            right.caption(
                md_text(
                    f"{_years(r.start_year, r.end_year)}；位置："
                    f"{PRECISION_LABELS.get(r.precision, r.precision)}"
                    + (f"（{r.geo_basis[:60]}）" if r.geo_basis else "")
                )
            )
            right.caption(md_text(_zone_said(r)))
            # a sector staff pick rests on their word (the store says 「人工录入」), not the line's
            basis = r.sector_basis if sector == r.sector else None
            out = replace(out, name=name.strip() or r.name, sector=sector, sector_basis=basis)
            if r.candidates:
                new_label = "（作为新项目）"
                labels = [new_label, *(f"{i} {n}" for i, n in r.candidates)]
                choice = right.selectbox("或对应已有项目", labels, key=f"{k}_choice")
                if choice != new_label:
                    pid = r.candidates[labels.index(choice) - 1][0]
                    out = replace(intake.as_update(out, pid, catalog), status=status)
                    out = replace(out, decision=docs.ACCEPT if accept else docs.REJECT)
        elif r.kind == docs.UNDECIDED and r.candidates:
            labels = [f"{i} {n}" for i, n in r.candidates]
            choice = right.selectbox("对应项目", labels, key=f"{k}_choice")
            pid = r.candidates[labels.index(choice)][0]
            out = replace(intake.as_update(out, pid, catalog), status=status)
            out = replace(out, decision=docs.ACCEPT if accept else docs.REJECT)
    return out


def _zone_said(r: docs.Proposal) -> str:
    """The proposed zone and what it rests on, for staff to check before applying (a 跨区
    with the zones it spans; 区外 by its district; 未定 when the position gives none)."""
    zone = intake.zone_text(r)
    if r.zone_basis:
        return f"片区：{zone}（依据：{r.zone_basis}）"
    if r.zone == vocab.OUTSIDE:
        return f"片区：{zone}（所在区县：{r.district}）"
    return f"片区：{zone}（位置未给出片区，应用后可在编辑中填写）"


def _index(options: tuple[str, ...], value: str | None) -> int:
    return options.index(value) if value in options else 0


def _years(start: Any, end: Any) -> str:
    """A proposal's years in words: 「2021–2025 年」, 「2025 年」, or 年份未注明."""
    span = vocab.year_span(start, end)
    return f"{span} 年" if span else "年份未注明"
