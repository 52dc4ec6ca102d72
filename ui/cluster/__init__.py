"""Serving the page from several app servers: two Streamlit servers behind nginx on one PostGIS database."""
