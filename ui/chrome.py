"""What Streamlit draws around our widgets, made Chinese and usable on a phone (page CSS).

Why CSS: Streamlit has no setting for the file uploader's own texts ("Drag and drop", "Upload",
"per file") or the skip link, so their text is hidden and a Chinese text is drawn in its place.
The rules for narrow screens (< 640 px) are here too: bigger tap targets, and the sidebar's opener
(at the top, above the map) drawn as a labelled 「筛选」 button, since the filters live there.
"""

from __future__ import annotations

import streamlit as st

#: Below this width (px) the page is laid out for a phone.
PHONE_PX = 640


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
        # Phones: tap targets of at least 40 px, and the sidebar opener as a labelled button.
        f"@media (max-width:{PHONE_PX - 0.02}px){{"
        "button,[role=button],[data-baseweb=select]>div,input{min-height:40px;}"
        '[data-testid="stExpandSidebarButton"]{min-height:44px;padding:0 14px;gap:4px;'
        "border:1px solid #bbb;border-radius:8px;background:#fff;}"
        '[data-testid="stExpandSidebarButton"]::after{content:"筛选";font-size:1rem;color:#333;}'
        '[data-testid="stMain"] h1{font-size:1.6rem;}'
        "}",
    ]
    return "<style>" + "".join(rules) + "</style>"


def apply(upload_limit_mb: int) -> None:
    """Add the page's style sheet (takes no room on the page)."""
    st.html(page_css(upload_limit_mb))
