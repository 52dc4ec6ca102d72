"""The domain: record schema, vocabularies and filters; reading documents, building records, the store."""
