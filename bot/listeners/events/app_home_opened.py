"""(being built)"""

from slack_bolt import App


def register(app: App) -> None:
    """Adds this listener to the app."""
