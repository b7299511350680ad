"""Who may see KPIs: KPI_ALLOWED_USERS and members of KPI_ALLOWED_USERGROUPS (empty = all)."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # slack_sdk is imported on first use: `journeybot ask` never needs it
    from slack_sdk import WebClient

log = logging.getLogger(__name__)

#: Group membership changes rarely; a short cache keeps /kpi from calling Slack every time.
MEMBERSHIP_TTL_SECONDS = 120.0


class KpiAccess:
    """Decides whether a user may run /kpi, and words the refusal for those who may not."""

    def __init__(
        self,
        users: list[str],
        usergroups: list[str],
        *,
        ttl_seconds: float = MEMBERSHIP_TTL_SECONDS,
    ) -> None:
        self.users = list(users)
        self.usergroups = list(usergroups)
        self.ttl_seconds = ttl_seconds
        self._members: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    @property
    def open_to_everyone(self) -> bool:
        return not self.users and not self.usergroups

    def allows(self, client: WebClient, user_id: str) -> bool:
        if self.open_to_everyone or user_id in self.users:
            return True
        return any(user_id in self._group_members(client, group) for group in self.usergroups)

    def refusal(self, language: str = "en") -> str:
        """One polite sentence that names who can grant access, in `language`."""
        from bot.i18n import say

        people = [f"<@{user}>" for user in self.users] + [
            f"<!subteam^{group}>" for group in self.usergroups
        ]
        return say("access.refusal", language, people=say("access.or", language).join(people))

    def _group_members(self, client: WebClient, group: str) -> frozenset[str]:
        from slack_sdk.errors import SlackApiError

        now = time.monotonic()
        with self._lock:
            cached = self._members.get(group)
            if cached and now - cached[0] < self.ttl_seconds:
                return cached[1]
        try:
            members = frozenset(client.usergroups_users_list(usergroup=group).get("users", []))
        except SlackApiError as error:
            log.warning("could not list members of usergroup %s: %s", group, error)
            members = frozenset()
        with self._lock:
            self._members[group] = (now, members)
        return members
