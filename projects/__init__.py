"""The domain: project schema and vocabularies, extraction, the catalog store, filtering."""
