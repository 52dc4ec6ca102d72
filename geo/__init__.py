"""The geography: CRS, boundaries and zones, the geocoder, the folium map, export."""
