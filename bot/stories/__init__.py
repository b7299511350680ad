"""The Slack side of customer stories (the stories themselves are metrics/stories/): posting
exactly once, finding a lost post, LLM narration, approval DMs, the use cases bound to settings."""
