"""The composition root: built from Settings, each service lazily and once, for CLI and Slack."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.services import Services
from metrics.kpi_query import KpiQuery


def settings(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(journeybot_home=tmp_path, **overrides)


def test_settings_holding_lists_still_give_one_knowledge_base_per_services(
    tmp_path: Path,
) -> None:
    """bot.runtime cached on a frozen Settings, which holds lists: every call was a TypeError."""
    svc = Services.from_settings(settings(tmp_path, kpi_allowed_users=["U0ALICE"]))
    assert svc.knowledge_base() is svc.knowledge_base()
    assert svc.knowledge_base().path == tmp_path / "index"


def test_each_service_is_built_once(tmp_path: Path) -> None:
    svc = Services.from_settings(settings(tmp_path, database_url=f"sqlite:///{tmp_path}/m.db"))
    assert svc.engine() is svc.engine()
    assert svc.kpis() is svc.kpis()
    assert svc.stories() is svc.stories()
    assert svc.slack_client() is svc.slack_client()
    svc.close()


def test_listing_kpis_opens_no_database(tmp_path: Path) -> None:
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    svc = Services.from_settings(settings(tmp_path, database_url=unreachable, kpi_currency="EUR"))
    assert any(d.unit == "EUR" for d in svc.kpis().definitions())


def test_the_kpi_service_applies_the_kpi_settings_so_callers_pass_only_the_query(
    tmp_path: Path,
) -> None:
    svc = Services.from_settings(
        settings(tmp_path, kpi_default_period="2026-Q3", kpi_min_sample=7, kpi_timezone="UTC")
    )
    kpis = svc.kpis()
    assert (kpis.default_period, kpis.min_sample, kpis.currency) == ("2026-Q3", 7, "DKK")
    assert KpiQuery.parse("NPS").model_dump() == {
        "name": "nps",
        "period": None,
        "segments": {},
        "by": None,
        "compare": None,
        "raw": False,
    }
    assert kpis.period(KpiQuery.parse("nps", period="ytd", compare="YoY")) == "ytd compare=yoy"
    assert kpis.period(KpiQuery.parse("nps")) == "2026-Q3"
