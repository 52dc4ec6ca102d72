"""The geography: CRS, boundaries and zones; places, the map and exchange with GIS tools."""
