"""The embedded adapters: every port served from the application database (SQLite by default)."""
