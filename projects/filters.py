"""Filtering the catalog: one frozen ``Query`` per view, pure functions over the GeoDataFrame.

The same ``Query`` drives the page, the URL (``to_params`` / ``from_params``) and the export
CLI, so a link, a download and a command line all select the same projects.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.errors
import shapely.geometry

from projects import clock, schema, vocab
from projects.progress import PROGRESS, progress_labels, status_on

T = TypeVar("T")

#: Zones shown when nothing else is asked for: projects outside the district are off.
DEFAULT_ZONES: tuple[str, ...] = tuple(z for z in vocab.ALL_ZONES if z != vocab.OUTSIDE)

#: URL parameter names (short, stable: links are shared).
P_SECTOR, P_STATUS, P_ZONE, P_YEARS, P_TEXT = "sector", "status", "zone", "years", "q"
P_PROGRESS = "progress"
P_AS_OF = "asof"
#: Every URL parameter a query is written to (``Query.to_params``) and read from.
PARAMS = (P_SECTOR, P_STATUS, P_ZONE, P_YEARS, P_TEXT, P_PROGRESS, P_AS_OF)


@dataclass(frozen=True)
class Query:
    """What to show. ``None`` for a facet means "no restriction"; an empty tuple means "none".

    ``years`` is an inclusive (first, last) range of the projects' windows; statuses and
    progress are those at the end of ``as_of_year`` (None: today, China time).
    """

    #: Sectors to keep (vocab.SECTORS), or None for all.
    sectors: tuple[str, ...] | None = None
    #: Statuses to keep, as of ``as_of_year`` (vocab.ALL_STATUSES), or None for all.
    statuses: tuple[str, ...] | None = None
    #: Zones to keep (vocab.ALL_ZONES); 区外 is left out by default.
    zones: tuple[str, ...] | None = field(default=DEFAULT_ZONES)
    #: Inclusive year range, or None for every year.
    years: tuple[int, int] | None = None
    #: Text searched in names and aliases (case- and width-insensitive), or "".
    text: str = ""
    #: Progress warnings to keep (progress.PROGRESS), as of ``as_of_year``; None: all.
    progress: tuple[str, ...] | None = None
    #: The year whose end statuses and progress are shown as of (状态截至); None: this year.
    as_of_year: int | None = None

    def __post_init__(self) -> None:
        _check_options("sectors", self.sectors, vocab.SECTORS)
        _check_options("statuses", self.statuses, vocab.ALL_STATUSES)
        _check_options("zones", self.zones, vocab.ALL_ZONES)
        _check_options("progress", self.progress, PROGRESS)
        if self.years is not None:
            first, last = self.years
            if not (vocab.MIN_YEAR <= first <= last <= vocab.MAX_YEAR):
                raise ValueError(
                    f"years was {self.years!r} but is expected to be (first, last) with "
                    f"{vocab.MIN_YEAR} <= first <= last <= {vocab.MAX_YEAR}"
                )
        if self.as_of_year is not None and not (
            isinstance(self.as_of_year, int) and vocab.MIN_YEAR <= self.as_of_year <= vocab.MAX_YEAR
        ):
            raise ValueError(
                f"as_of_year was {self.as_of_year!r} but is expected to be a year from "
                f"{vocab.MIN_YEAR} to {vocab.MAX_YEAR}, or None for this year"
            )

    def to_params(self) -> dict[str, str]:
        """URL query parameters for this query; facets at their default are left out.

        >>> Query(sectors=("交通",), years=(2021, 2025)).to_params()
        {'sector': '交通', 'years': '2021-2025'}
        """
        params: dict[str, str] = {}
        if self.sectors is not None:
            params[P_SECTOR] = ",".join(self.sectors)
        if self.statuses is not None:
            params[P_STATUS] = ",".join(self.statuses)
        if self.zones != DEFAULT_ZONES:
            params[P_ZONE] = "*" if self.zones is None else ",".join(self.zones)
        if self.years is not None:
            params[P_YEARS] = f"{self.years[0]}-{self.years[1]}"
        if self.text:
            params[P_TEXT] = self.text
        if self.progress is not None:
            params[P_PROGRESS] = ",".join(self.progress)
        if self.as_of_year is not None:
            params[P_AS_OF] = str(self.as_of_year)
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Query:
        """The query a URL describes; unknown values are dropped (see ``parse_params``)."""
        return parse_params(params)[0]


def _check_options(name: str, values: tuple[str, ...] | None, options: tuple[str, ...]) -> None:
    if values is None:
        return
    if not isinstance(values, tuple):
        raise TypeError(f"{name} must be a tuple or None, not {type(values).__name__}")
    for v in values:
        vocab.check_choice(name, v, options)


def parse_params(params: Mapping[str, Any]) -> tuple[Query, list[str]]:
    """The query a URL describes, and a Chinese note for each value that had to be dropped.

    A shared link with a typo still opens (keeping what it can) and says what it ignored.

    >>> q, problems = parse_params({"sector": "交通,火星", "years": "2025-2021"})
    >>> q.sectors, q.years, len(problems)
    (('交通',), None, 2)
    """
    problems: list[str] = []

    def one(key: str) -> str | None:
        value = params.get(key)
        if isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        return None if value is None else str(value)

    def choices(key: str, label: str, options: tuple[str, ...]) -> tuple[str, ...] | None:
        raw = one(key)
        if raw is None:
            return None
        kept, dropped = [], False
        for part in (p.strip() for p in raw.split(",")):
            if not part:
                continue
            if part in options:
                if part not in kept:
                    kept.append(part)
            else:
                dropped = True
                problems.append(f"链接中的{label}“{part}”无法识别，已忽略。")
        if dropped and not kept:
            return None  # nothing usable: ignored means no filter, not an empty one
        return tuple(kept)

    sectors = choices(P_SECTOR, "领域", vocab.SECTORS)
    statuses = choices(P_STATUS, "状态", vocab.ALL_STATUSES)
    zones: tuple[str, ...] | None = DEFAULT_ZONES
    if one(P_ZONE) == "*":
        zones = None
    elif one(P_ZONE) is not None:
        zones = choices(P_ZONE, "片区", vocab.ALL_ZONES)

    def parsed(key: str, parse: Callable[[str], T | None], complaint: str) -> T | None:
        """A single-valued parameter, parsed; a bad one is reported (``{}`` is the raw value)."""
        raw = one(key)
        value = None if raw is None else parse(raw)
        if raw is not None and value is None:
            problems.append(complaint.format(raw[:20]))
        return value

    years = parsed(
        P_YEARS,
        _parse_years,
        f"链接中的年份范围“{{}}”无效（应为 {vocab.MIN_YEAR}–{vocab.MAX_YEAR} "
        "之间的“起-止”，如 2021-2025），已忽略。",
    )
    text = (one(P_TEXT) or "").strip()[:100]
    progress = choices(P_PROGRESS, "进度预警", PROGRESS)
    as_of_year = parsed(
        P_AS_OF,
        _parse_as_of,
        f"链接中的状态截至年份“{{}}”无效（应为 {vocab.MIN_YEAR}–"
        f"{clock.today().year} 之间的年份），已按今年显示。",
    )
    if as_of_year == clock.today().year:
        as_of_year = None  # this year is the default: the same view, a shorter link
    return Query(sectors, statuses, zones, years, text, progress, as_of_year), problems


def _parse_as_of(raw: str) -> int | None:
    try:
        year = int(raw.strip())
    except ValueError:
        return None
    return year if vocab.MIN_YEAR <= year <= clock.today().year else None


def _parse_years(raw: str) -> tuple[int, int] | None:
    parts = raw.replace("–", "-").split("-")
    if len(parts) != 2:
        return None
    try:
        first, last = int(parts[0]), int(parts[1])
    except ValueError:
        return None
    if vocab.MIN_YEAR <= first <= last <= vocab.MAX_YEAR:
        return first, last
    return None


def status_as_of(history: Iterable[Mapping[str, Any]] | None, year: int, default: str) -> str:
    """The status a project had at the end of ``year``, from its status history.

    The latest entry dated in or before ``year`` wins (ties go to the later life-cycle stage).
    With no history at all the record's own ``default`` status stands; with a history that only
    starts after ``year`` the documents say nothing yet, so the answer is 未知.

    >>> h = [{"year": 2021, "status": "规划"}, {"year": 2025, "status": "在建"}]
    >>> status_as_of(h, 2023, "在建"), status_as_of(h, 2025, "在建"), status_as_of(h, 2020, "在建")
    ('规划', '在建', '未知')
    """
    entries = [
        e
        for e in (history or [])
        if isinstance(e, Mapping) and e.get("status") in vocab.STATUSES and _year(e) is not None
    ]
    if not entries:
        return default if default in vocab.ALL_STATUSES else vocab.UNKNOWN_STATUS
    before = [e for e in entries if _year(e) <= year]
    if not before:
        return vocab.UNKNOWN_STATUS
    best = max(before, key=lambda e: (_year(e), str(e.get("date") or ""), _stage(e.get("status"))))
    return best["status"]


def _year(entry: Mapping[str, Any]) -> int | None:
    year = entry.get("year")
    if year is None and entry.get("date"):
        year = str(entry["date"])[:4]
    try:
        return int(year)
    except (TypeError, ValueError):
        return None


def _stage(status: Any) -> int:
    return vocab.STATUSES.index(status) if status in vocab.STATUSES else -1


def normalise_text(text: str) -> str:
    """Fold width and case so ``ＡＢＣ`` finds ``abc``; spaces are dropped.

    >>> normalise_text(" Ｔ３ 航站楼 ")
    't3航站楼'
    """
    return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def status_year(query: Query) -> int:
    """The year whose end statuses are shown as of: ``as_of_year``, or this year (China time)."""
    return query.as_of_year if query.as_of_year is not None else clock.today().year


def _past(query: Query) -> bool:
    return status_year(query) < clock.today().year


def shown_status(gdf: pd.DataFrame, query: Query) -> pd.Series:
    """Each project's status as the map colours it: as of the end of ``status_year(query)``.

    This year it is the record's own status; for a past year it is what the status history
    said by then (``progress.status_on``: the latest fact, a plan never undoing a review fact),
    and 未知 where nothing was said yet.
    """
    if gdf.empty:
        return pd.Series([], index=gdf.index, dtype=object)
    status = gdf["status"] if "status" in gdf else pd.Series(vocab.UNKNOWN_STATUS, gdf.index)
    if not _past(query) or "status_history" not in gdf:
        return status.where(status.isin(vocab.ALL_STATUSES), vocab.UNKNOWN_STATUS)
    year = status_year(query)
    return pd.Series(
        [
            status_on(h if isinstance(h, list) else None, year, str(s)) or vocab.UNKNOWN_STATUS
            for h, s in zip(gdf["status_history"], status, strict=True)
        ],
        index=gdf.index,
        dtype=object,
    )


def first_mentioned(history: Iterable[Mapping[str, Any]] | None) -> int | None:
    """The first year a status entry dates a project to; None when none is dated.

    >>> first_mentioned([{"year": 2024, "status": "建成"}, {"year": 2021, "status": "规划"}])
    2021
    """
    years = [
        y
        for e in (history or [])
        if isinstance(e, Mapping) and e.get("status") in vocab.STATUSES
        for y in [_year(e)]
        if y is not None
    ]
    return min(years) if years else None


def first_mentioned_years(gdf: pd.DataFrame) -> pd.Series:
    """:func:`first_mentioned` of every project (missing where none is dated), on ``gdf``'s
    index: the catalog's per-row work behind the 「状态截至」 slider's bounds and caption."""
    histories = gdf["status_history"] if "status_history" in gdf else [None] * len(gdf)
    return pd.Series(
        [first_mentioned(h if isinstance(h, list) else None) for h in histories],
        index=gdf.index,
        dtype="Int64",
    )


def not_yet_mentioned(gdf: pd.DataFrame, query: Query) -> np.ndarray:
    """A boolean array: is the project unknown to the documents by the end of the as-of year?

    Such projects are hidden when looking back (a 2025 project did not exist in 2021's plans);
    a project with no dated history at all is never hidden by this.
    """
    n = len(gdf)
    if n == 0 or not _past(query) or "status_history" not in gdf:
        return np.zeros(n, dtype=bool)
    year = status_year(query)
    return np.fromiter(
        (
            (first := first_mentioned(h if isinstance(h, list) else None)) is not None
            and first > year
            for h in gdf["status_history"]
        ),
        dtype=bool,
        count=n,
    )


def shown_columns(gdf: pd.DataFrame, query: Query, *, progress: bool = True) -> pd.DataFrame:
    """What ``query``'s as-of year makes of every project, whatever the other facets:
    ``status_shown``, ``progress_shown`` (only if ``progress``) and ``hidden`` (not yet named
    by then), on ``gdf``'s index.

    These are the per-row Python work of a filter; they depend only on the catalog and the
    as-of day, so a page may compute them once per catalog version and as-of day and hand
    them to :func:`filter_projects` for every other filter change. The progress warnings are
    most of that work (a second at 100 000 projects), and a view that neither colours nor
    filters by them, nor lists them, need not wait for them.
    """
    columns = {"status_shown": shown_status(gdf, query)}
    if progress:
        columns["progress_shown"] = shown_progress(gdf, query)
    columns["hidden"] = not_yet_mentioned(gdf, query)
    return pd.DataFrame(columns, index=gdf.index)


def filter_mask(gdf: pd.DataFrame, query: Query, shown: pd.DataFrame | None = None) -> np.ndarray:
    """A boolean array, one per project: does it pass every facet of ``query``?

    Missing years count as open-ended (a project without dates is never hidden by the year
    slider); a project without a zone is not hidden by the zone filter. ``shown``: the
    catalog's :func:`shown_columns` for ``query``'s as-of day, if already computed.
    """
    n = len(gdf)
    mask = np.ones(n, dtype=bool)
    if n == 0:
        return mask
    if "deleted" in gdf:
        mask &= ~gdf["deleted"].fillna(False).astype(bool).to_numpy()
    mask &= ~(shown["hidden"].to_numpy() if shown is not None else not_yet_mentioned(gdf, query))
    if query.sectors is not None:
        mask &= gdf["sector"].isin(query.sectors).to_numpy()
    if query.zones is not None:
        zone = gdf["zone"]
        mask &= (zone.isin(query.zones) | zone.isna()).to_numpy()
    if query.years is not None:
        first, last = query.years
        start = pd.to_numeric(gdf["start_year"], errors="coerce").fillna(vocab.MIN_YEAR)
        end = pd.to_numeric(gdf["end_year"], errors="coerce").fillna(vocab.MAX_YEAR)
        mask &= ((start <= last) & (end >= first)).to_numpy()
    if query.statuses is not None:
        status = shown["status_shown"] if shown is not None else shown_status(gdf, query)
        mask &= status.isin(query.statuses).to_numpy()
    if query.progress is not None:
        given = shown is not None and "progress_shown" in shown
        warned = shown["progress_shown"] if given else shown_progress(gdf, query)
        mask &= warned.isin(query.progress).to_numpy()
    if query.text:
        needle = normalise_text(query.text)
        mask &= np.fromiter((needle in hay for hay in search_keys(gdf)), dtype=bool, count=n)
    return mask


def search_keys(gdf: pd.DataFrame) -> list[str]:
    """One normalised string per project: its name and aliases, for the text search."""
    aliases = gdf["aliases"] if "aliases" in gdf else pd.Series([[]] * len(gdf), gdf.index)
    return [
        normalise_text(" ".join([str(n or ""), *(a if isinstance(a, list) else [])]))
        for n, a in zip(gdf["name"], aliases, strict=True)
    ]


def filter_projects(
    gdf: gpd.GeoDataFrame, query: Query, shown: pd.DataFrame | None = None
) -> gpd.GeoDataFrame:
    """The projects ``query`` selects, with ``status_shown`` and ``progress_shown`` as of the
    end of ``status_year(query)``.

    A project shows when its start–end window meets the year range (and, looking back, when
    the documents had named it by then). ``shown``: the catalog's :func:`shown_columns` for
    ``query``'s as-of day, when the caller keeps them (the page does, per catalog version).
    """
    mask = np.asarray(filter_mask(gdf, query, shown), dtype=bool)
    out = gdf[mask].copy()
    if shown is not None:
        # Taken as they are stored (Arrow strings stay Arrow strings): turning the whole
        # catalog's column into Python objects and back cost 60 ms a rerun at 100 000.
        out["status_shown"] = shown["status_shown"].array[mask]
        if "progress_shown" in shown:  # else the caller did not ask for them (shown_columns)
            out["progress_shown"] = shown["progress_shown"].array[mask]
        return out
    out["status_shown"] = shown_status(out, query)
    out["progress_shown"] = shown_progress(out, query)
    return out


def as_of(query: Query) -> date:
    """The day progress is judged on: the end of the as-of year, or today (China time) when
    that is this year."""
    return date(status_year(query), 12, 31) if _past(query) else clock.today()


def shown_progress(gdf: pd.DataFrame, query: Query) -> pd.Series:
    """Each project's progress warning (超前/正常/滞后/未知) as of ``as_of(query)``."""
    if gdf.empty:
        return pd.Series([], index=gdf.index, dtype=object)
    day = as_of(query)
    cols = [
        c for c in ("status_history", "start_year", "end_year", "years_basis", "status") if c in gdf
    ]
    rows = gdf[cols].to_dict("records")
    return pd.Series(progress_labels(rows, day), index=gdf.index, dtype=object)


def facet_counts(gdf: pd.DataFrame, column: str, options: tuple[str, ...]) -> dict[str, int]:
    """How many projects have each option of ``column`` (all options listed, in order)."""
    counts = gdf[column].value_counts() if column in gdf and len(gdf) else pd.Series(dtype=int)
    return {o: int(counts.get(o, 0)) for o in options}


def catalog_frame(collection: Mapping[str, Any]) -> gpd.GeoDataFrame:
    """The catalog FeatureCollection as a GeoDataFrame (WGS84) with every schema field present.

    Lists (aliases, sources, status_history) stay Python lists; a feature without geometry keeps
    its row with a missing geometry, so unplaced projects are listed, not dropped. Built column
    by column, with geometries made by kind in bulk: at 100 000 projects a frame built row by
    row from full records took seconds of a server's first read.
    """
    features = list(collection.get("features") or [])
    base = {k: (_FRESH if isinstance(d, list) else d) for k, (_, d, _) in schema.FIELDS.items()}
    lists = [k for k, v in base.items() if v is _FRESH]
    rows = []
    for feature in features:
        row = {**base, **(feature.get("properties") or {})}
        for k in lists:
            if row[k] is _FRESH:  # each record its own list, never a shared default
                row[k] = []
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(schema.FIELDS))
    geometry = gpd.GeoSeries(_shapes([f.get("geometry") for f in features]), crs="EPSG:4326")
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


#: Stands for a list default until a record gets its own list.
_FRESH = object()


def _shapes(geometries: list[Any]) -> np.ndarray:
    """Shapely geometries for GeoJSON geometry mappings (None stays None), as
    ``shapely.geometry.shape`` reads them: points, lines and polygons without holes made in one
    call per kind, the rest (and any kind whose bulk call fails) one by one."""
    out = np.full(len(geometries), None, dtype=object)
    left = []
    kinds: dict[str, list[int]] = {"Point": [], "LineString": [], "Polygon": []}
    for n, g in enumerate(geometries):
        if not g:
            continue
        kind = g.get("type")
        if kind == "Polygon" and len(g.get("coordinates") or ()) != 1:
            kind = None  # holes, or empty: one by one
        kinds.get(kind, left).append(n)
    for kind, rows in kinds.items():
        if not rows:
            continue
        try:
            out[rows] = _bulk(kind, [geometries[n]["coordinates"] for n in rows])
        except (TypeError, ValueError, IndexError, shapely.errors.GEOSException):
            left += rows
    for n in left:
        out[n] = shapely.geometry.shape(geometries[n])
    return out


def _bulk(kind: str, coordinates: list[Any]) -> np.ndarray:
    if kind == "Point":
        xy = np.array(coordinates, dtype=float)
        if xy.ndim != 2 or xy.shape[1] != 2:
            raise ValueError("not all points are 2D")
        return shapely.points(xy)
    parts = coordinates if kind == "LineString" else [c[0] for c in coordinates]
    sizes = np.fromiter((len(p) for p in parts), dtype=np.intp, count=len(parts))
    xy = np.array([xy for p in parts for xy in p], dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2 or not sizes.all():
        raise ValueError("not all parts are non-empty 2D")
    index = np.repeat(np.arange(len(parts)), sizes)
    if kind == "LineString":
        return shapely.linestrings(xy, indices=index)
    return shapely.polygons(shapely.linearrings(xy, indices=index))


def status_by_year(gdf: pd.DataFrame, last_year: int) -> pd.DataFrame:
    """Each project's status at the end of every year its history dates, up to ``last_year``
    (``progress.status_on``); missing where the project is not counted that year (its
    history names it only later). Columns: ``first_dated`` (the earliest year its history
    gives, missing if none), then the years; the index is the project ids.

    The per-year charts count columns of this table; it is the catalog's per-row work done
    once. A status changes only in a year an entry is dated to, so ``status_on`` is asked
    once per such year and carried forward to the next.
    """
    histories = [h if isinstance(h, list) else None for h in gdf["status_history"]]
    dated = [_digit_years(h) for h in histories]
    every = [y for ys in dated for y in ys]
    index = pd.Index(gdf["id"])
    first_dated = pd.Series([min(ys, default=None) for ys in dated], index=index, dtype="Int64")
    if not every:
        return pd.DataFrame({"first_dated": first_dated}, index=index)
    years = list(range(min(every), max(last_year, min(every)) + 1))
    columns: list[list[str | None]] = []
    for h, status in zip(histories, gdf["status"], strict=True):
        first = min(_status_years(h), default=None) if h else None
        turns = sorted({e["year"] for e in h or [] if isinstance(e, Mapping) and _int(e)})
        row: list[str | None] = []
        current = status_on(h, years[0], str(status)) or vocab.UNKNOWN_STATUS
        for year in years:
            if turns and turns[0] <= year:
                while turns and turns[0] <= year:
                    turns.pop(0)
                current = status_on(h, year, str(status)) or vocab.UNKNOWN_STATUS
            row.append(None if first is not None and first > year else current)
        columns.append(row)
    table = pd.DataFrame(columns, index=index, columns=years, dtype=object)
    table.insert(0, "first_dated", first_dated)
    return table


def _int(entry: Mapping[str, Any]) -> bool:
    return isinstance(entry.get("year"), int)


def _digit_years(history: list | None) -> list[int]:
    return [
        int(y)
        for e in (history or [])
        if isinstance(e, Mapping) and (y := e.get("year")) is not None and str(y).isdigit()
    ]


def _status_years(history: list) -> list[int]:
    return [
        e["year"]
        for e in history
        if isinstance(e, Mapping) and isinstance(e.get("year"), int) and e.get("status")
    ]
