"""A GeoPackage written by GDAL, then described in its own tables (with SQLite, after GDAL).

- ``gpkg_metadata`` (metadata extension): the ISO 19115 record, scope ``dataset``, referenced by
  the whole GeoPackage, so QGIS's and ArcGIS's metadata views have something to show;
- ``gpkg_data_columns`` (schema extension): each field's Chinese title, which QGIS shows as the
  field alias;
- ``layer_styles`` (QGIS's table): the status symbology as QML and SLD, the default style of each
  project layer, so it opens coloured by status.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

_SPEC = "http://www.geopackage.org/spec120/"

_METADATA_DDL = (
    """CREATE TABLE IF NOT EXISTS gpkg_metadata (
        id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL,
        md_scope TEXT NOT NULL DEFAULT 'dataset',
        md_standard_uri TEXT NOT NULL,
        mime_type TEXT NOT NULL DEFAULT 'text/xml',
        metadata TEXT NOT NULL DEFAULT '')""",
    """CREATE TABLE IF NOT EXISTS gpkg_metadata_reference (
        reference_scope TEXT NOT NULL,
        table_name TEXT,
        column_name TEXT,
        row_id_value INTEGER,
        timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        md_file_id INTEGER NOT NULL,
        md_parent_id INTEGER,
        CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id),
        CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id))""",
)

_SCHEMA_DDL = (
    """CREATE TABLE IF NOT EXISTS gpkg_data_columns (
        table_name TEXT NOT NULL,
        column_name TEXT NOT NULL,
        name TEXT,
        title TEXT,
        description TEXT,
        mime_type TEXT,
        constraint_name TEXT,
        CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
        CONSTRAINT gdc_tn UNIQUE (table_name, name))""",
    """CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (
        constraint_name TEXT NOT NULL,
        constraint_type TEXT NOT NULL,
        value TEXT,
        min NUMERIC,
        min_is_inclusive BOOLEAN,
        max NUMERIC,
        max_is_inclusive BOOLEAN,
        description TEXT,
        CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))""",
)

_STYLES_DDL = """CREATE TABLE IF NOT EXISTS layer_styles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    f_table_catalog TEXT(256),
    f_table_schema TEXT(256),
    f_table_name TEXT(256),
    f_geometry_column TEXT(256),
    styleName TEXT(30),
    styleQML TEXT,
    styleSLD TEXT,
    useAsDefault BOOLEAN,
    description TEXT,
    owner TEXT(30),
    ui TEXT(30),
    update_time DATETIME DEFAULT CURRENT_TIMESTAMP)"""


def _extension(db: sqlite3.Connection, table: str, name: str, definition: str) -> None:
    db.execute(
        """CREATE TABLE IF NOT EXISTS gpkg_extensions (
            table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
            definition TEXT NOT NULL, scope TEXT NOT NULL,
            CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"""
    )
    db.execute(
        "INSERT OR IGNORE INTO gpkg_extensions VALUES (?, NULL, ?, ?, 'read-write')",
        (table, name, definition),
    )


def describe_gpkg(
    path: Path,
    iso_xml: bytes,
    titles: dict[str, str],
    styles: dict[str, tuple[str, str]],
) -> None:
    """Add the ISO record, the field titles (``titles``: column -> Chinese title, for every
    feature or attribute table that has such columns) and the layer styles (``styles``: table
    -> (QML, SLD)) to a GeoPackage GDAL has written."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    with sqlite3.connect(path) as db:
        for ddl in _METADATA_DDL:
            db.execute(ddl)
        _extension(db, "gpkg_metadata", "gpkg_metadata", f"{_SPEC}#extension_metadata")
        _extension(db, "gpkg_metadata_reference", "gpkg_metadata", f"{_SPEC}#extension_metadata")
        cursor = db.execute(
            "INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) "
            "VALUES ('dataset', 'http://www.isotc211.org/2005/gmd', 'text/xml', ?)",
            (iso_xml.decode("utf-8"),),
        )
        db.execute(
            "INSERT INTO gpkg_metadata_reference (reference_scope, timestamp, md_file_id) "
            "VALUES ('geopackage', ?, ?)",
            (now, cursor.lastrowid),
        )
        for ddl in _SCHEMA_DDL:
            db.execute(ddl)
        _extension(db, "gpkg_data_columns", "gpkg_schema", f"{_SPEC}#extension_schema")
        _extension(db, "gpkg_data_column_constraints", "gpkg_schema", f"{_SPEC}#extension_schema")
        tables = [r[0] for r in db.execute("SELECT table_name FROM gpkg_contents")]
        for table in tables:
            columns = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
            for column in columns:
                if column in titles:
                    db.execute(
                        "INSERT OR REPLACE INTO gpkg_data_columns "
                        "(table_name, column_name, name, title, description) VALUES (?, ?, ?, ?, ?)",
                        (table, column, column, titles[column], titles[column]),
                    )
        db.execute(_STYLES_DDL)
        geometry_columns = dict(
            db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns")
        )
        for table, (qml, sld) in styles.items():
            if table not in geometry_columns:
                continue
            geometry_column = geometry_columns[table]
            db.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
                "owner, ui, update_time) VALUES ('', '', ?, ?, ?, ?, ?, 1, ?, '', NULL, ?)",
                (
                    table,
                    geometry_column,
                    "按状态着色",
                    qml,
                    sld,
                    "按项目状态着色（图例同应用）",
                    now,
                ),
            )
