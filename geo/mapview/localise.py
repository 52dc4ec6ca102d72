"""The map's own words in Chinese: leaflet.draw's texts and a metric-only scale bar.

Why apart from :mod:`geo.mapview.folium_map`: these are fixed texts and one control, added to any
map by :func:`localise`; keeping them here keeps the map assembly about data. The texts are data
(``DRAW_LOCAL``), so a test can check that none of them is left in English.
"""

from __future__ import annotations

import folium

from geo.mapview.scripts import MapScript, js_literal

#: leaflet.draw's ``L.drawLocal`` (same shape), in Chinese. Only the tools the page offers are
#: reachable, but every text is given so no English can appear whatever is switched on later.
DRAW_LOCAL: dict = {
    "draw": {
        "toolbar": {
            "actions": {"title": "取消绘制", "text": "取消"},
            "finish": {"title": "完成绘制", "text": "完成"},
            "undo": {"title": "删除最后一个点", "text": "删除最后一点"},
            "buttons": {
                "polyline": "画线",
                "polygon": "画面",
                "rectangle": "画矩形",
                "circle": "画圆",
                "marker": "放置点",
                "circlemarker": "放置圆点",
            },
        },
        "handlers": {
            "circle": {"tooltip": {"start": "按住并拖动以画圆。"}, "radius": "半径"},
            "circlemarker": {"tooltip": {"start": "点击地图放置圆点。"}},
            "marker": {"tooltip": {"start": "点击地图放置点。"}},
            "polygon": {
                "tooltip": {
                    "start": "点击地图开始画面。",
                    "cont": "继续点击添加顶点。",
                    "end": "点击第一个点闭合此面。",
                }
            },
            "polyline": {
                "error": "<strong>错误：</strong>线段不能相交！",
                "tooltip": {
                    "start": "点击地图开始画线。",
                    "cont": "继续点击添加顶点。",
                    "end": "点击最后一个点结束画线。",
                },
            },
            "rectangle": {"tooltip": {"start": "按住并拖动以画矩形。"}},
            "simpleshape": {"tooltip": {"end": "松开鼠标完成绘制。"}},
        },
    },
    "edit": {
        "toolbar": {
            "actions": {
                "save": {"title": "保存修改", "text": "保存"},
                "cancel": {"title": "取消编辑，放弃所有修改", "text": "取消"},
                "clearAll": {"title": "清除全部图形", "text": "全部清除"},
            },
            "buttons": {
                "edit": "编辑图形",
                "editDisabled": "没有可编辑的图形",
                "remove": "删除图形",
                "removeDisabled": "没有可删除的图形",
            },
        },
        "handlers": {
            "edit": {
                "tooltip": {
                    "text": "拖动控制点或标记以修改图形。",
                    "subtext": "点击“取消”撤销修改。",
                }
            },
            "remove": {"tooltip": {"text": "点击要删除的图形。"}},
        },
    },
}


#: The map frame's title, which screen readers announce for the map (streamlit-folium titles
#: its frame with its own Latin name, ``streamlit_folium.st_folium``).
FRAME_TITLE = "沙坪坝区项目地图"


def localise(m: folium.Map) -> folium.Map:
    """Add the Chinese drawing texts and a metric scale bar to ``m`` (before any draw control),
    and give the map's frame a Chinese title (:data:`FRAME_TITLE`).

    The texts are merged into ``L.drawLocal`` when leaflet.draw is loaded (editing); without it the
    script only adds the scale bar. Folium's own scale bar (``control_scale``) shows miles and feet
    too, so it is switched off here.
    """
    m.control_scale = False
    MapScript(
        "localise",
        "Localise",
        draw_local=js_literal(DRAW_LOCAL),
        frame_title=js_literal(FRAME_TITLE),
    ).add_to(m)
    return m
