"""Answering questions in Slack: from the knowledge base (answer.py), KPI figures asked for in
words (kpi_questions.py reads them, kpi_figures.py answers them), and 👍/👎 feedback."""
