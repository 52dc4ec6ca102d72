"""What Streamlit draws around our widgets, made Chinese and usable on a phone (page CSS).

Why CSS: Streamlit has no setting for the file uploader's own texts ("Drag and drop", "Upload",
"per file") or the skip link, so their text is hidden and a Chinese text is drawn in its place.
The rules for narrow screens (< 640 px) are here too: bigger tap targets, and the sidebar's opener
(at the top, above the map) drawn as a labelled 「筛选」 button, since the filters live there.

What a screen reader reads (``aria-label``, ``title``, ``aria-roledescription``) CSS cannot
change: a small page-side module (``st.components.v2``) rewrites Streamlit's English labels
(sidebar, select boxes, help icons, the table's and charts' toolbars) from :data:`LABELS`, now and
whenever Streamlit draws them again. It also rewrites the few English texts Streamlit writes into
the page itself, which CSS cannot tell apart (:data:`TEXTS`: the hint under a text box being
typed in, the uploader's refusal of a file); the refusal, which Streamlit shows only as a tooltip,
is drawn beside the file's name.
"""

from __future__ import annotations

import streamlit as st

from geo.mapview import MAP_FRAME
from ui.details import FOLLOW_KEY, PANEL_KEY

#: Below this width (px) the page is laid out for a phone.
PHONE_PX = 640
#: The map's height (px) on a wide screen, and the most it takes on a phone.
MAP_PX = 620
#: What a phone's map leaves of the screen's height (px): the page's title and count line above
#: it (about 180 px on a fresh page) and a strip below it, so the whole map is on screen at once,
#: the page shows it goes on, and a thumb off the map can scroll it (on the map it pans the map).
PHONE_MAP_ROOM_PX = 250
#: The least a phone's map takes (px), however short the screen.
PHONE_MAP_MIN_PX = 320
#: How tall the details may grow beside the map before they scroll (px): the map's height less
#: the 「项目详情」 heading above them, so the tabs below stay right under the map.
DETAILS_MAX_PX = MAP_PX - 60
#: The key of the page's 「显示 N / M 个项目」 line under the title. The sidebar shows the same line
#: above the filters, for a phone, whose open sidebar covers the page; on a wide screen the open
#: sidebar stands beside the page and the two lines showed at once: the page's line then hides
#: (it shows again when the sidebar is closed).
COUNT_KEY = "page_count"

#: Streamlit's English screen-reader labels and tooltips, whole, in Chinese.
LABELS: dict[str, str] = {
    "Collapse sidebar": "收起侧栏",
    "Expand sidebar": "展开侧栏（筛选）",
    "Sidebar": "侧栏",
    "Open": "展开选项",
    "Close": "收起选项",
    "Clear value": "清除所选",
    "Clear all": "全部清除",
    "Selected values": "已选",
    "Link to heading": "本标题的链接",
    "Search": "搜索",
    "Download as CSV": "下载为 CSV",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Show/hide columns": "显示或隐藏列",
    "Show data": "查看数据",
    "Download as PNG": "下载为 PNG",
    "Copy Vega-Lite spec": "复制图表定义",
    "Vega visualization": "统计图",
    "visualization": "统计图",
    # Vega's names of the SVG groups that hold a chart's marks (the charts give their own
    # Chinese description and switch Vega's per-mark English texts off: ui.charts._spoken).
    **{
        f"{mark} mark container": f"图形（{zh}）"
        for mark, zh in (
            ("group", "组"),
            ("rect", "条形"),
            ("rule", "线段"),
            ("line", "折线"),
            ("area", "面积"),
            ("symbol", "符号"),
            ("text", "文字"),
            ("arc", "扇形"),
            ("path", "路径"),
        )
    },
    "Running...": "正在运行……",
    "Stop": "停止",
    "Show password": "显示输入的字符",
    "Hide password": "隐藏输入的字符",
    # A dialog's close button (×), and a number box's − and + buttons.
    "Dismiss": "关闭",
    "Decrement": "减少",
    "Increment": "增加",
    # The file uploader once it holds a file: its 「+」 button and its hidden input.
    "Add files": "添加文件",
    "file upload": "上传文件",
}
#: Labels Streamlit builds around a name: (English start, Chinese with ``{}`` for the rest).
LABEL_PREFIXES: list[tuple[str, str]] = [("Help for ", "{}的说明"), ("Remove ", "移除 {}")]
#: Labels Streamlit ends with an English word: (English end, Chinese end).
LABEL_SUFFIXES: list[tuple[str, str]] = [(" — start", " — 起"), (" — end", " — 止")]
#: Streamlit's English texts on the page itself, as (JavaScript pattern of the whole text,
#: Chinese with ``$1``… for its groups): the hint under a text box being typed in, and the
#: uploader's refusal of a file (too large, of a type not offered), which it shows only as a
#: tooltip and a screen-reader alert, before the file ever reaches the server.
TEXTS: list[tuple[str, str]] = [
    (r"^Press Enter to submit form$", "按回车键提交表单"),
    (r"^Press Enter to apply$", "按回车键确认"),
    (r"^Press (⌘|Ctrl)\+Enter to submit form$", "按 $1+回车键提交表单"),
    (r"^Press (⌘|Ctrl)\+Enter to apply$", "按 $1+回车键确认"),
    (r"^(?:Error: )?File must be ([\d.]+) ?([KMG]?B) or smaller\.$", "文件超过 $1 $2，未上传"),
    (r"^(?:Error: )?(.+) files are not allowed\.$", "不接受 $1 文件，未上传"),
    (r"^(?:Error: )?Only one file is allowed\.$", "只能上传一个文件"),
    (r"^(?:Error: )?File size is too small\.$", "文件是空的，未上传"),
    (r"^(?:Error: )?Unexpected error\. Please try again\.$", "上传出错，请重试"),
    # the alert's own lead word, a text of its own before the message
    (r"^Error: ?$", ""),
    # what screen readers read of the uploader's 「+」 (an icon named in words)
    (r"^add icon$", "添加文件"),
]

_LABELS_JS = """
export default function ({ data }) {
  if (window.__spLabels) { return; }
  const ATTRS = ["aria-label", "title", "aria-roledescription"];
  const chinese = (v) => {
    if (v in data.labels) { return data.labels[v]; }
    for (const [en, zh] of data.prefixes) {
      if (v.startsWith(en)) { return zh.replace("{}", v.slice(en.length)); }
    }
    for (const [en, zh] of data.suffixes) {
      if (v.endsWith(en)) { return v.slice(0, v.length - en.length) + zh; }
    }
    return v;
  };
  const fix = (el) => {
    for (const a of ATTRS) {
      const v = el.getAttribute(a);
      if (v) { const t = chinese(v); if (t !== v) { el.setAttribute(a, t); } }
    }
  };
  const texts = data.texts.map(([p, zh]) => [new RegExp(p), zh]);
  const fixText = (n) => {
    const v = n.nodeValue;
    for (const [re, zh] of texts) {
      if (re.test(v)) { n.nodeValue = v.replace(re, zh); return; }
    }
  };
  const sweep = (node) => {
    if (node.nodeType === 3) { fixText(node); return; }
    if (node.nodeType !== 1) { return; }
    fix(node);
    node.querySelectorAll("[aria-label],[title],[aria-roledescription]").forEach(fix);
    const w = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) { fixText(n); }
  };
  window.__spLabels = new MutationObserver((changes) => {
    for (const c of changes) {
      if (c.type === "attributes") { fix(c.target); }
      else if (c.type === "characterData") { fixText(c.target); }
      else { c.addedNodes.forEach(sweep); }
    }
  });
  window.__spLabels.observe(document.body, { subtree: true, childList: true,
    characterData: true, attributes: true, attributeFilter: ATTRS });
  sweep(document.body);
}
"""
_labels = st.components.v2.component("chinese_labels", js=_LABELS_JS)


def _replace(selector: str, text: str, size: str = "0.875rem") -> str:
    """CSS that hides ``selector``'s own text and shows ``text`` instead (also read by screen
    readers, which read generated content)."""
    return (
        f"{selector}{{font-size:0 !important;}}"
        f'{selector}::after{{content:"{text}";font-size:{size};}}'
    )


def page_css(upload_limit_mb: int) -> str:
    """The page's style sheet; ``upload_limit_mb`` is the import's real limit, shown in words."""
    uploader = '[data-testid="stFileUploaderDropzone"]'
    rules = [
        _replace(f"{uploader} button p", "选择文件"),
        _replace(
            '[data-testid="stFileUploaderDropzoneInstructions"] span',
            f"可拖放文件到此处，不超过 {upload_limit_mb} MB",
            "0.8rem",
        ),
        _replace('[data-testid="stSkipToContent"]', "跳到主要内容", "1rem"),
        # A file the uploader refused (too large, a type not offered) says why beside its name,
        # not only in a tooltip (a phone has no hover): Streamlit hides that alert but for
        # screen readers. Its text is Chinese by TEXTS.
        '[data-testid="stFileChip"] [role="alert"]{position:static !important;width:auto '
        "!important;height:auto !important;clip:auto !important;clip-path:none !important;"
        "overflow:visible !important;white-space:normal !important;margin:0 0 0 0.75rem "
        "!important;align-self:center;color:#b42318;font-size:0.8rem;}",
        # The labels module draws nothing: out of the flow, so the page keeps no gap for it.
        ".st-key-chinese_labels{position:absolute !important;}",
        # So is the print panel's reader of the map's view (ui.printing).
        ".st-key-pm_view{position:absolute !important;}",
        # And the details' follower (ui.details).
        f".st-key-{FOLLOW_KEY}{{position:absolute !important;}}",
        # One count line on the screen: the sidebar's while the sidebar is open.
        f'body:has([data-testid="stSidebar"][data-collapsed="false"]) .st-key-{COUNT_KEY}'
        "{display:none;}",
        # Wide screens: the details beside the map scroll within its height; on a phone they
        # stack below the map and flow with the page.
        f"@media (min-width:{PHONE_PX}px){{.st-key-{PANEL_KEY}{{max-height:{DETAILS_MAX_PX}px;"
        "overflow-y:auto;overflow-x:hidden;padding-right:6px;border-bottom:1px solid #e6e6e6;}}",
        # Phones: tap targets of at least 40 px, and the sidebar opener as a labelled button.
        f"@media (max-width:{PHONE_PX - 0.02}px){{"
        "button,[role=button],[data-baseweb=select]>div,input{min-height:40px;}"
        # The sidebar's small buttons (a chip's ×, a box's clear and open arrows, the help
        # marks, the sidebar's close button) were 15-32 px wide: 40 px wide too.
        '[data-testid="stSidebar"] button{min-width:40px !important;min-height:40px !important;'
        "justify-content:center;align-items:center;}"
        # A toggle or check box with a help mark: the label grows to the mark's 40 px, and the
        # switch stayed at its top, a line above its own text; centred beside it.
        '[data-testid="stSidebar"] [data-testid="stCheckbox"] label{align-items:center;}'
        '[data-testid="stExpandSidebarButton"]{min-height:44px;padding:0 14px;gap:4px;'
        "border:1px solid #bbb;border-radius:8px;background:#fff;}"
        '[data-testid="stExpandSidebarButton"]::after{content:"筛选";font-size:1rem;color:#333;}'
        '[data-testid="stMain"] h1{font-size:1.6rem;}'
        # The map fits the screen (small viewport height: with the browser's bars shown), with
        # room for the page around it; the map inside its frame fills the frame (phone.js).
        f"{MAP_FRAME}{{height:min({MAP_PX}px,max({PHONE_MAP_MIN_PX}px,"
        f"calc(100svh - {PHONE_MAP_ROOM_PX}px))) !important;}}"
        "}",
    ]
    return "<style>" + "".join(rules) + "</style>"


def apply(upload_limit_mb: int) -> None:
    """Add the page's style sheet and the Chinese screen-reader labels (neither takes room)."""
    st.html(page_css(upload_limit_mb))
    _labels(
        key="chinese_labels",
        data={
            "labels": LABELS,
            "prefixes": LABEL_PREFIXES,
            "suffixes": LABEL_SUFFIXES,
            "texts": TEXTS,
        },
        height=0,
    )
