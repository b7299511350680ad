"""Slack transport: the Bolt app, HTTP and Socket Mode, signatures, the Web API client, one
handling per delivery, KPI access by Slack user groups, and how a failure reaches a user."""
