"""Running the app beyond one machine: a throwaway PostgreSQL + PostGIS, several app servers."""
