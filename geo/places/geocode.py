"""Offline geocoder: a project or place name → a position from the gazetteer, and how sure it is.

The steps go from the surest to the vaguest, and the first that answers wins:

1. ``exact`` / ``alias``: the name is a gazetteer name or alias.
2. ``normalised``: the same after folding full-width forms and dropping brackets, the
   重庆市/沙坪坝区 prefixes and 项目/工程/一期… suffixes.
3. ``contained``: the name contains a gazetteer name, e.g. 科学城站TOD → 科学城站. The project
   is *at or in* that place, not the place itself, so the precision is lowered to "approximate"
   at best ("area" along a line or for an extent); of several places the most precise, then
   the longest name wins. Two points joined by 至/到 give a line between them.
4. ``zone``: the name names a zone of the 东中西 layout (西部新城 …): the zone polygon.

Anything else, and bad input (empty, very long, punctuation only, another province), gives
``None``. Nothing here raises on a string.

>>> geocode("科学城站TOD").method
'contained'
>>> geocode("成都天府广场") is None
True
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import shapely

from geo.boundaries import load_zones
from geo.places.gazetteer import Gazetteer, Place, load_gazetteer
from geo.places.reference import ZONE_BASIS
from projects import vocab

#: Longer strings are not names (a pasted paragraph, an attack): no answer.
MAX_NAME_LENGTH = 200

#: Geocoding methods, surest first ("none": not placed).
METHODS: tuple[str, ...] = ("exact", "alias", "normalised", "contained", "zone", "none")

#: Leading words that only say "in Chongqing / in this district".
_PREFIXES = re.compile(r"^(?:重庆市|重庆(?=沙坪坝)|沙坪坝区|我区|全区|区级)+")
#: Trailing words that name the kind of undertaking, not the place.
_SUFFIXES = re.compile(
    r"(?:项目|工程|建设|续建|新建|扩建|改扩建|提档升级|[一二三四五六七八九十首0-9]+期)+$"
)
#: Leading words of the same kind (新建XX, 续建XX).
_LEAD_WORDS = re.compile(r"^(?:新建|续建|扩建|改扩建|启动|推进|加快)")
_BRACKETED = re.compile(r"[(\[【「《〈][^)\]】」》〉]*[)\]】」》〉]")
_QUOTES = re.compile(r"[\"'“”‘’「」『』·•・]")
_WORD = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")

#: A short key followed by one of these is part of a different place name (凤凰 → 凤凰山).
_TOPONYM_CONTINUES = set("山岩湖寺坡岗湾沟溪村河江岛洞坪垭嘴塘堡坎")
#: Endings of names that are extents rather than sites.
_EXTENT = re.compile(r"(?:带|走廊|廊道|沿线|流域|片区|商圈|区|全域)$")
#: Joiners of a "from A to B" name.
_CONNECTORS = re.compile(r"^(?:至|到|—|－|-|~|～|–)$")

#: Places outside Chongqing the documents and users name; a leading one means "not here".
_ELSEWHERE = (
    "成都",
    "四川省",
    "北京",
    "上海",
    "天津",
    "广州",
    "深圳",
    "西安",
    "武汉",
    "贵阳",
    "贵州",
    "昆明",
    "云南",
    "南京",
    "杭州",
    "长沙",
    "兰州",
    "遂宁",
    "内江",
    "绵阳",
    "德阳",
    "眉山",
    "资阳",
    "宜宾",
    "泸州",
    "南充",
    "达州",
    "广安",
    "自贡",
    "乐山",
)
#: The other districts and counties of Chongqing; a leading one allows only places outside 沙坪坝.
_OTHER_DISTRICTS = tuple(
    f"{name}区"
    for name in (
        "渝中",
        "江北",
        "南岸",
        "九龙坡",
        "大渡口",
        "北碚",
        "渝北",
        "巴南",
        "璧山",
        "江津",
        "合川",
        "永川",
        "长寿",
        "綦江",
        "涪陵",
        "万州",
        "两江新",
    )
) + ("云阳县",)

#: Words that name a whole zone of the 东中西 layout (001:709-713, 002:79-80, 113).
ZONE_WORDS: dict[str, tuple[str, ...]] = {
    "东": ("东部人文母城", "东部老城", "东部城区", "东部旧城"),
    "中": ("中部两山生态屏障", "两山生态屏障", "中部地区"),
    "西": ("西部现代新城", "西部新城"),
}

_RANK = {p: i for i, p in enumerate(vocab.PRECISIONS)}


@dataclass(frozen=True)
class GeocodeResult:
    """Where a name is, how sure that is, and why."""

    #: WGS84 lon/lat geometry (point, line or polygon).
    geometry: shapely.Geometry
    #: One of ``vocab.PRECISIONS``.
    precision: str
    #: One of ``METHODS``.
    method: str
    #: The gazetteer place (or, for a zone, the zone's full name).
    matched: Place | str
    #: What was matched and where the position comes from, for the record's ``geo_basis``.
    basis: str = ""

    @property
    def matched_name(self) -> str:
        """The matched place's name (or the zone's full name)."""
        return self.matched if isinstance(self.matched, str) else self.matched.name


def geocode(name: str, gazetteer: Gazetteer | None = None) -> GeocodeResult | None:
    """The position of ``name`` from the gazetteer, or ``None`` when nothing fits honestly."""
    if not isinstance(name, str) or len(name) > MAX_NAME_LENGTH:
        return None
    gaz = load_gazetteer() if gazetteer is None else gazetteer
    text = fold(name)
    if not _WORD.search(text):
        return None
    return (
        _exact(name.strip(), gaz)
        or _normalised(text, gaz)
        or _guarded(text, lambda t, outside_only: _contained(t, gaz, outside_only))
        or _guarded(text, lambda t, outside_only: None if outside_only else _zone(t))
    )


def fold(name: str) -> str:
    """Full-width forms folded, spaces and quote marks dropped: the form every key is compared in.

    >>> fold("「沙坪坝站」 ＴＯＤ（一期）")
    '沙坪坝站TOD(一期)'
    """
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")
    return _QUOTES.sub("", text)


def normalise(name: str) -> list[str]:
    """The shorter forms of a name to look up, longest (most specific) first.

    >>> normalise("重庆市沙坪坝区磁器口（二期）工程")[-1]
    '磁器口'
    """
    text = fold(name)
    forms: list[str] = []
    for base in (_BRACKETED.sub("", text), text):
        for form in (base, _PREFIXES.sub("", base)):
            for cut in (form, _LEAD_WORDS.sub("", form)):
                short = _SUFFIXES.sub("", cut)
                for candidate in (short, cut):
                    if candidate and candidate != text and candidate not in forms:
                        forms.append(candidate)
    return sorted(forms, key=len, reverse=True)


# --- the steps ---------------------------------------------------------------------------------


def _exact(name: str, gaz: Gazetteer) -> GeocodeResult | None:
    place = gaz.by_name(name)
    if place is None:
        return None
    method = "exact" if place.name == name else "alias"
    return place_result(place, method, name, place.precision)


def _normalised(text: str, gaz: Gazetteer) -> GeocodeResult | None:
    index = _folded_index(gaz)
    if text in index:  # differs from the key only by width, spaces or quotes
        return place_result(index[text], "normalised", text, index[text].precision)
    for form in normalise(text):
        place = index.get(form)
        if place is not None:
            return place_result(place, "normalised", form, place.precision)
    return None


def _guarded(text: str, step) -> GeocodeResult | None:
    """Run a loose step unless the name is elsewhere: another province gives nothing, another
    district of Chongqing only places marked outside 沙坪坝区."""
    core = _PREFIXES.sub("", _BRACKETED.sub("", text))
    if core.startswith(_ELSEWHERE) or (core.endswith("省") and len(core) <= 6):
        return None
    return step(text, core.startswith(_OTHER_DISTRICTS))


def _contained(text: str, gaz: Gazetteer, outside_only: bool) -> GeocodeResult | None:
    hits = _find_places(text, gaz, outside_only)
    if not hits:
        return None
    line = _line_between(text, hits)
    if line is not None:
        return line
    ranked = [(_contained_precision(text, p), -len(k), s, k, p) for s, k, p in hits]
    precision, _, _, key, place = min(ranked, key=lambda r: (_RANK[r[0]], r[1], r[2]))
    return place_result(place, "contained", key, precision)


def _contained_precision(text: str, place: Place) -> str:
    """How sure a project is that only *contains* a place name: "approximate" at best (it is
    at or in the place), "area" when the place is a line (somewhere along it) or the name says
    it is an extent (…示范带, …商圈, …片区)."""
    if place.geometry.geom_type in ("LineString", "MultiLineString") or _EXTENT.search(text):
        return _at_best(place.precision, "area")
    return _at_best(place.precision, "approximate")


def _find_places(text: str, gaz: Gazetteer, outside_only: bool) -> list[tuple[int, str, Place]]:
    """(position, key, place) of the gazetteer names found in ``text``, longest first, without
    overlaps; short abbreviations (重大, 西站) and short names running on into another place
    name (凤凰山) or cut out of a longer number (9号线 in 19号线) are skipped, and so are places
    of the district itself (it says nothing)."""
    taken = [False] * len(text)
    hits: list[tuple[int, str, Place]] = []
    seen: set[str] = set()
    for key, place in _folded_keys(gaz):
        if place.kind == "district" or (outside_only and not place.outside):
            continue
        if len(key) <= 2 and not fold(place.name).startswith(key):
            continue
        start = text.find(key)
        while start >= 0:
            end = start + len(key)
            runs_on = (len(key) <= 2 and end < len(text) and text[end] in _TOPONYM_CONTINUES) or (
                _splits_a_number(text, start, end)
            )
            if not runs_on and not any(taken[start:end]):
                if place.name not in seen:
                    hits.append((start, key, place))
                    seen.add(place.name)
                taken[start:end] = [True] * (end - start)
                break
            start = text.find(key, start + 1)
    return hits


def _splits_a_number(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` begins or ends inside a longer number (9号线 in 19号线)."""
    before = start > 0 and text[start].isdigit() and text[start - 1].isdigit()
    after = end < len(text) and text[end - 1].isdigit() and text[end].isdigit()
    return before or after


def _line_between(text: str, hits: list[tuple[int, str, Place]]) -> GeocodeResult | None:
    """A line from A to B for names like 沙坪坝站至重庆西站连接道, when both are points."""
    ordered = sorted(hits)
    for (s1, k1, p1), (s2, k2, p2) in zip(ordered, ordered[1:], strict=False):
        gap = text[s1 + len(k1) : s2]
        if _CONNECTORS.match(gap) and p1.geometry.geom_type == p2.geometry.geom_type == "Point":
            if max(_RANK[p1.precision], _RANK[p2.precision]) > _RANK["approximate"]:
                return None
            line = shapely.LineString([p1.geometry, p2.geometry])
            basis = (
                f"名称含“{k1}{gap}{k2}”：两地之间的直线，示意走向（{p1.name}：{p1.basis}；"
                f"{p2.name}：{p2.basis}）"
            )
            return GeocodeResult(line, "approximate", "contained", p1, basis)
    return None


def _zone(text: str) -> GeocodeResult | None:
    for zone, words in ZONE_WORDS.items():
        for word in words:
            if word in text:
                return zone_result(zone, f"名称含“{word}”")
    return None


def zone_result(zone: str, why: str, place: Place | None = None) -> GeocodeResult:
    """The zone polygon as an answer of precision "zone", ``why`` leading its basis."""
    frame = load_zones().set_index("zone")
    full = frame.loc[zone, "name"]
    basis = f"{why}，只知在{full}（{ZONE_BASIS}）"
    return GeocodeResult(frame.loc[zone, "geometry"], "zone", "zone", place or full, basis)


def method_phrase(method: str, key: str, place: Place) -> str:
    """How a name met a gazetteer place, as a Chinese clause (the start of a record's basis)."""
    if method == "exact" or (method == "normalised" and key == place.name):
        return f"名称即地名“{place.name}”"
    if method == "alias":
        return f"名称“{key}”是“{place.name}”的别称"
    if method == "normalised":
        return f"名称去掉修饰词后为“{key}”（{place.name}）"
    if method == "contained":
        # the place's own name only where the name met it by another spelling
        return f"名称含地名“{key}”" + (f"（{place.name}）" if key != place.name else "")
    return f"“{key}”对应地名“{place.name}”"


def place_result(place: Place, method: str, key: str, precision: str) -> GeocodeResult:
    """A gazetteer place as an answer; an entry that stands for a whole zone gives the zone."""
    phrase = method_phrase(method, key, place)
    basis = f"{phrase}：{place.basis}"
    if place.precision == "zone" and place.kind == "area" and place.geometry.geom_type == "Point":
        # An entry standing for a whole zone (西部新城 …): the zone itself, not a token point.
        zone = _zone_at(place.geometry)
        if zone is not None:
            z = zone_result(zone, phrase, place)
            return GeocodeResult(z.geometry, "zone", method, place, z.basis)
    return GeocodeResult(place.geometry, precision, method, place, basis)


def _zone_at(point: shapely.Point) -> str | None:
    frame = load_zones()
    hit = frame[frame.covers(point)]
    return None if hit.empty else str(hit["zone"].iloc[0])


def _at_best(precision: str, best: str) -> str:
    """``precision``, but never better than ``best`` (vocab.PRECISIONS order)."""
    return precision if _RANK[precision] >= _RANK[best] else best


@cache
def _folded_index(gaz: Gazetteer) -> dict[str, Place]:
    """Every name and alias in folded form (brackets removed too) → its place."""
    index: dict[str, Place] = {}
    for key, place in gaz.names():
        for form in (fold(key), _BRACKETED.sub("", fold(key))):
            if form:
                index.setdefault(form, place)
    return index


@cache
def _folded_keys(gaz: Gazetteer) -> tuple[tuple[str, Place], ...]:
    """(folded key, place), longest key first: the order of contained matching."""
    keys = {(fold(k), p.name): p for k, p in gaz.names() if fold(k)}
    return tuple(
        sorted(((k, p) for (k, _), p in keys.items()), key=lambda kp: (-len(kp[0]), kp[0]))
    )
