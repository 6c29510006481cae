"""Imports are not in GraphQL: uploads go to POST /imports/{platform} (api/import_routes.py)."""
