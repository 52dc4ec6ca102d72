"""The Streamlit page's panels: filters, details, tables and charts, export and import, editing."""
