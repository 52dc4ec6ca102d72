"""The extractor on a text it has never seen: a made-up 2026 report in the documents' style."""

from __future__ import annotations

from projects.documents.status import statuses

REPORT_2026 = """2025年工作回顾
一、基础设施
（一）交通提速。歌乐山隧道建成通车，双碑大桥主体完工，新建井口小学、天星桥中学等学校3所。
2026年工作安排
（一）交通。加快建设土主至西永快速路、梨树湾立交，开工建设磁器口码头二期，争取开工沙坪坝站东广场改造项目。建设5G基站500个，改造老旧小区100万平方米。（牵头部门：区住房城乡建委）
"""


def test_new_report_names_statuses_and_parts():
    got = {m.name: (m.line, part, status, m.cue) for m, part, status in statuses(REPORT_2026)}
    assert got == {
        "歌乐山隧道": (3, "review", "运营", "建成通车"),
        "双碑大桥": (3, "review", "在建", "主体完工"),
        "井口小学": (3, "review", "建成", "新建"),
        "天星桥中学": (3, "review", "建成", "新建"),
        "土主至西永快速路": (5, "plan", "在建", "加快建设"),
        "梨树湾立交": (5, "plan", "在建", "加快建设"),
        "磁器口码头二期": (5, "plan", "前期", "开工建设"),
        "沙坪坝站东广场改造项目": (5, "plan", "前期", "争取开工"),
    }


def test_new_report_sections_and_lead_dept():
    by_name = {m.name: m for m, _, _ in statuses(REPORT_2026)}
    assert by_name["歌乐山隧道"].section == "2025年工作回顾 / （一）交通提速"
    assert by_name["梨树湾立交"].section == "2026年工作安排 / （一）交通"
    assert by_name["梨树湾立交"].lead_dept == "区住房城乡建委"
    assert by_name["磁器口码头二期"].phase == "二期"
    assert not any("5G" in n or "老旧小区" in n for n in by_name)
