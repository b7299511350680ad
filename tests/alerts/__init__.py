"""Alert and digest tests post to a local stand-in for the Slack Web API (tests/slack_web_api.py),
over real HTTP, from one process or several."""
