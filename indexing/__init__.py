"""Text extraction and the Chinese full-text index (a cache rebuilt from the database)."""
