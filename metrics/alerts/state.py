"""Where each alert rule stands in its channel, shared by every replica through the database.

A rule is `ok` or `breached`; each move from ok to breached starts a new episode (1, 2, …).
A move is one conditional UPDATE (it happens only if the row still says what we read), so
when several processes see the same change at once exactly one makes it, and all of them then
agree on the episode. What the state owes the channel follows from it: a breached rule owes
the announcement of its episode's breach, a rule back to ok owes that episode's recovery.
Those are claimed and posted once through metrics/claims.py, so the announcement survives a
crash between the state change and the post, and is never repeated.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from metrics.schema import alert_states

StateName = Literal["ok", "breached"]
Announcement = Literal["breached", "recovered"]


class AlertState(BaseModel):
    rule: str
    channel: str
    state: StateName
    episode: int  # breaches so far; the current one while breached
    changed_at: datetime
    checked_at: datetime
    value: float | None

    @property
    def owes(self) -> Announcement | None:
        """What this state announces: its breach, its recovery, or nothing (never breached)."""
        if self.state == "breached":
            return "breached"
        return "recovered" if self.episode > 0 else None


def announcement_key(rule: str, episode: int, kind: Announcement) -> str:
    """The claim key of one announcement: `alert:nps-below-30:2:breached`."""
    return f"alert:{rule}:{episode}:{kind}"


def current(engine: Engine, rule: str, channel: str) -> AlertState | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(alert_states).where(
                alert_states.c.rule == rule, alert_states.c.channel == channel
            )
        ).first()
    return AlertState.model_validate(dict(row._mapping)) if row else None


def record(
    engine: Engine,
    rule: str,
    channel: str,
    *,
    breached: bool,
    value: float | None,
    now: datetime | None = None,
) -> AlertState:
    """Moves the rule to what was just seen and returns where it stands (whoever moved it)."""
    now = now or datetime.now(UTC)
    wanted: StateName = "breached" if breached else "ok"
    where = (alert_states.c.rule == rule, alert_states.c.channel == channel)
    for _ in range(5):  # each pass either returns or saw another process move the row
        found = current(engine, rule, channel)
        if found is None:
            try:
                with engine.begin() as conn:
                    conn.execute(
                        insert(alert_states).values(
                            rule=rule,
                            channel=channel,
                            state="ok",
                            episode=0,
                            changed_at=now,
                            checked_at=now,
                            value=value,
                        )
                    )
            except IntegrityError:
                pass  # another process made the row first
            continue
        if found.state == wanted:
            with engine.begin() as conn:
                conn.execute(update(alert_states).where(*where).values(checked_at=now, value=value))
            return found.model_copy(update={"checked_at": now, "value": value})
        moved = found.model_copy(
            update={
                "state": wanted,
                "episode": found.episode + (1 if breached else 0),
                "changed_at": now,
                "checked_at": now,
                "value": value,
            }
        )
        with engine.begin() as conn:
            taken = conn.execute(
                update(alert_states)
                .where(
                    *where,
                    alert_states.c.state == found.state,
                    alert_states.c.episode == found.episode,
                )
                .values(
                    moved.model_dump(
                        include={"state", "episode", "changed_at", "checked_at", "value"}
                    )
                )
            )
        if taken.rowcount == 1:
            return moved
    found = current(engine, rule, channel)
    assert found is not None  # the row exists once any pass has run
    return found
