"""What an export says about itself in GIS terms: ISO 19115 metadata, field titles, status styles."""

from geo.exchange.describe.gpkg import describe_gpkg
from geo.exchange.describe.iso import XZQDM, XZQMC, iso_metadata
from geo.exchange.describe.styles import qml, sld

__all__ = ["XZQDM", "XZQMC", "describe_gpkg", "iso_metadata", "qml", "sld"]
