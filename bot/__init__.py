"""journeybot's Slack surface and CLI. Plumbing apart from use cases, one folder per concern:

- bot/slack/       transport: Bolt app, HTTP server, Socket Mode, signatures, Web API client,
                   one handling per delivery (dedupe), posting a message once (post_once),
                   KPI access, failure sentences
- bot/listeners/   one small file per event, command and action; each folder has register(app)
- bot/views/       Block Kit JSON and mrkdwn escaping, nothing else
- bot/answering/   questions answered from the knowledge base, KPI figures asked for in words,
                   what customers wrote under a KPI's why (comment themes), 👍/👎 feedback
- bot/stories/     the Slack side of customer stories: posting once, lost posts, narration,
                   approval DMs (the stories themselves are metrics/stories/)
- bot/scheduling/  what serve posts on a schedule: the weekly story, KPI alerts, the weekly
                   digest, and the crontab reading they share
- bot/cli/         `journeybot …`: thin click commands over the same services
- bot/i18n/        every sentence the bot says, per feature, in da/no/sv/en
- config.py (Settings), services.py (the composition root), formatting.py (the one number
  formatter), doctor.py (`journeybot doctor`'s checks)
"""
