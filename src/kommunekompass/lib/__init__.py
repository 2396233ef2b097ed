"""Shared helpers without models that import no app: numbers, spreadsheets, PDF rendering,
chart basics, table reading, version checks, admin helpers. Every app may import them."""
