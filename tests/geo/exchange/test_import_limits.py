"""Hostile uploads: zip bombs (honest or lying headers), many or same-named zip members, deeply
nested JSON, bad ids and huge geometries are refused in Chinese, quickly and in little memory."""

from __future__ import annotations

import functools
import io
import json
import struct
import tracemalloc
import zipfile
import zlib

import openpyxl
import pytest

from geo import exchange as im
from geo.boundaries import load_outline
from projects.errors import BadFile, InvalidValue
from projects.store import validate


@pytest.fixture(scope="module")
def outline():
    return load_outline()


@functools.cache
def bomb(size: int, name: str = "projects.csv") -> bytes:
    """A zip whose one member is ``size`` bytes of CSV padding (well under 1 MB zipped)."""
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open(name, "w") as member,
    ):
        member.write(HEAD)
        chunk = b"0" * (1 << 20)
        for _ in range(size >> 20):
            member.write(chunk)
    return buf.getvalue()


HEAD = b"name,sector\n"


def lie_about_size(data: bytes, declared: int) -> bytes:
    """The same zip claiming its member has ``declared`` bytes, with the checksum of just those
    bytes, so a reader that trusts the header finds nothing wrong."""
    prefix = (HEAD + b"0" * declared)[:declared]
    out = bytearray(data)
    for sig, crc_at, size_at in ((b"PK\x01\x02", 16, 24), (b"PK\x03\x04", 14, 22)):
        at = out.find(sig)
        out[at + crc_at : at + crc_at + 4] = struct.pack("<I", zlib.crc32(prefix))
        out[at + size_at : at + size_at + 4] = struct.pack("<I", declared)
    return bytes(out)


def peak_memory(call) -> tuple[int, object]:
    tracemalloc.start()
    try:
        try:
            result = call()
        except BadFile as exc:
            result = exc
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, result


def test_a_zip_bomb_is_refused_while_decompressing_in_little_memory():
    data = bomb(im.MAX_UNZIPPED + (8 << 20))
    assert len(data) < 1024 * 1024
    peak, result = peak_memory(lambda: im.read_upload(data, "bomb.zip", crs="EPSG:4326"))
    assert isinstance(result, BadFile) and "超过" in result.message_zh
    assert peak < 40 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_a_small_lying_size_never_inflates_the_whole_bomb():
    data = lie_about_size(bomb(im.MAX_UNZIPPED + (8 << 20)), 1000)
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].file_size == 1000
    peak, _ = peak_memory(lambda: im.read_upload(data, "bomb.zip", crs="EPSG:4326"))
    assert peak < 40 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_a_zip_with_too_many_members_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(im.MAX_MEMBERS + 1):
            zf.writestr(f"f{i}.txt", "x")
    with pytest.raises(BadFile, match=f"超过 {im.MAX_MEMBERS} 个上限"):
        im.read_upload(buf.getvalue(), "many.zip", crs="EPSG:4326")


def test_members_with_the_same_name_are_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a/projects.csv", "name,sector\n甲,交通\n")
        zf.writestr("b/projects.csv", "name,sector\n乙,交通\n")
    with pytest.raises(BadFile, match="同名文件（projects.csv）"):
        im.read_upload(buf.getvalue(), "twice.zip", crs="EPSG:4326")


def test_deeply_nested_json_is_refused_in_chinese():
    depth = 200_000
    text = '{"type": "FeatureCollection", "features": ' + "[" * depth + "]" * depth + "}"
    with pytest.raises(BadFile, match="嵌套层数过深"):
        im.read_upload(text.encode(), "deep.geojson")


def test_a_deeply_nested_list_cell_is_refused_in_chinese(outline):
    depth = 200_000
    cell = "[" * depth + "]" * depth
    data = f'name,sector,aliases\n甲,交通,"{cell}"\n'.encode()
    upload = im.read_upload(data, "deep.csv", crs="EPSG:4326")
    with pytest.raises(InvalidValue, match="嵌套层数过深"):
        im.preview(upload, [], outline)


@pytest.mark.parametrize("bad", ["SPB-0001\u200b", "<b>1</b>", "SPB-" + "1" * 10_000])
def test_new_ids_in_an_upload_must_be_in_the_documented_form(outline, bad):
    data = f"id,name,sector\n{bad},新项目,交通\n".encode()
    upload = im.read_upload(data, "ids.csv", crs="EPSG:4326")
    with pytest.raises(InvalidValue, match="第 2 行：.*SPB- 加数字"):
        im.preview(upload, [], outline)


def test_a_geometry_of_a_million_vertices_is_refused(outline):
    p = outline.representative_point()
    coords = ", ".join(f"{p.x + i * 1e-9:.9f} {p.y:.6f}" for i in range(validate.MAX_VERTICES + 1))
    data = f'name,sector,wkt\n长线,交通,"LINESTRING ({coords})"\n'.encode()
    upload = im.read_upload(data, "long.csv", crs="EPSG:4326")
    with pytest.raises(InvalidValue, match=f"最多 {validate.MAX_VERTICES} 个坐标点"):
        im.preview(upload, [], outline)


def test_a_name_of_only_zero_width_spaces_is_refused(outline):
    data = "name,sector\n\u200b\u200b,交通\n".encode()
    upload = im.read_upload(data, "zw.csv", crs="EPSG:4326")
    with pytest.raises(InvalidValue, match="第 2 行"):
        im.preview(upload, [], outline)


def test_a_reader_fault_is_a_chinese_sentence_not_a_traceback(monkeypatch, caplog):
    from geo.exchange import read

    def broken(*args, **kwargs):
        raise ZeroDivisionError("internal")

    monkeypatch.setitem(read._READERS, "csv", broken)
    with pytest.raises(BadFile, match="服务器日志") as err:
        im.read_upload(b"name\n1\n", "x.csv")
    assert "ZeroDivisionError" not in err.value.message_zh and "internal" in caplog.text
    assert json.dumps(err.value.message_zh)


def test_a_spreadsheet_row_is_named_by_its_row_number_in_excel(outline):
    """Row 1 is the header, so the fourth project sits on Excel's (and WPS's) row 5: the error
    and the preview name that row, not the fourth data row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "sector", "start_year"])
    for n in range(1, 4):
        sheet.append([f"项目{n}", "交通", 2021])
    sheet.append(["项目4", "交通", "二〇二三"])
    buf = io.BytesIO()
    book.save(buf)
    assert sheet.cell(row=5, column=3).value == "二〇二三"
    upload = im.read_upload(buf.getvalue(), "rows.xlsx")
    with pytest.raises(InvalidValue, match="第 5 行「起始年」应为数字"):
        im.preview(upload, [], outline)
    sheet.delete_rows(5)
    buf = io.BytesIO()
    book.save(buf)
    rows = im.preview(im.read_upload(buf.getvalue(), "rows.xlsx"), [], outline).rows
    assert [r.line for r in rows] == [2, 3, 4]
