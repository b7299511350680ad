"""KPI targets and alert rules: declared in a YAML file beside the KPI definitions
(metrics/targets.yaml, or ALERT_RULES_FILE), evaluated through the KPI service, and the state
of each rule kept in the database so a breach is announced once and its recovery once.

- rules: the declarations (pydantic models) and what each condition means;
- rules_file: reading the file, with the line of every mistake;
- evaluate: a rule against the KPI service, as a plain result;
- state: where each rule stands (ok or breached) across processes.
"""
