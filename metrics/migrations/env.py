"""Alembic environment: always run with a connection handed in by `metrics.db`.

There is no alembic.ini; `metrics.db.upgrade` builds the Config in code, so migrations work
the same from a checkout and from an installed package.
"""

from __future__ import annotations

from alembic import context

from metrics.schema import UtcDateTime, metadata


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Render our UtcDateTime as the plain column type it stores, so scripts import nothing
    from the application (old migrations must keep working when schema.py changes)."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("metrics migrations run through metrics.db.upgrade(url)")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=_render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
