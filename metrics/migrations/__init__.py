"""Alembic migrations for the metrics database, shipped inside the package so an installed
journeybot can migrate itself (`metrics.db.upgrade`)."""
