"""Customer stories, one concern per module; import from the module, not from here.

- `sources`    — where a story can come from (the one list) and each source's label
- `validation` — what makes a new story acceptable, as errors that name their field
- `adding`     — saving a story added by a person (validation, then the database)
- `selection`  — consent-filtered SQL: candidates, the next story, consent re-checks
- `cards`      — turning a database row into a redacted card, in the story's language
- `redaction`  — removing personal data from story text
- `claims`     — exactly one post per channel and week, across replicas
- `approvals`  — the approve / reject decision on a story added in Slack
"""
