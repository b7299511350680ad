"""`journeybot serve`: the Slack bot, in Socket Mode or as an HTTP server."""

from __future__ import annotations

import logging

import click

from bot.cli.common import fail, services
from bot.config import Settings

log = logging.getLogger("journeybot.serve")
#: Port 0 ("any free port") is for tests, which call bot.slack.server.create_server directly.
PORT_RANGE = click.IntRange(1, 65535)


def missing_tokens(config: Settings, http: bool) -> str | None:
    """One sentence naming what to set, or None if the mode has what it needs."""
    if not config.slack_bot_token:
        return (
            "SLACK_BOT_TOKEN is not set; put the bot token (xoxb-…) in .env, plus "
            "SLACK_APP_TOKEN (xapp-…) for Socket Mode or SLACK_SIGNING_SECRET for `serve --http`."
        )
    if http and not config.slack_signing_secret:
        return "SLACK_SIGNING_SECRET is not set; HTTP mode needs it to verify Slack's requests."
    if not http and not config.slack_app_token:
        return (
            "SLACK_APP_TOKEN is not set; set it (xapp-…, with connections:write) for Socket "
            "Mode, or run `journeybot serve --http` with SLACK_SIGNING_SECRET set."
        )
    return None


def register(cli: click.Group) -> None:
    """Adds this module's commands to the CLI."""

    @cli.command()
    @click.option("--http", "http", is_flag=True, help="Serve HTTP (POST /slack/events).")
    @click.option("--host", default="0.0.0.0", show_default=True, help="HTTP bind address.")
    @click.option(
        "--port", type=PORT_RANGE, default=None, help="HTTP port (default: PORT or 3000)."
    )
    @click.option(
        "--threads",
        type=click.IntRange(1, 512),
        default=16,
        show_default=True,
        help="HTTP threads.",
    )
    def serve(http: bool, host: str, port: int | None, threads: int) -> None:
        """Run the Slack bot: Socket Mode if SLACK_APP_TOKEN is set, else use --http."""
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        svc = services()
        config = svc.settings
        problem = missing_tokens(config, http)
        if problem:
            fail(problem)
        from slack_bolt.error import BoltError

        from bot.slack.app import build_app
        from metrics.errors import MetricsError

        try:
            app = build_app(svc)
            svc.engine()  # a database that is down stops the start, not the first event
        except BoltError as error:
            fail(f"Slack rejected the bot token ({error}); check SLACK_BOT_TOKEN.")
        except MetricsError as error:
            fail(str(error))
        except OSError as error:
            fail(f"Cannot reach Slack to verify SLACK_BOT_TOKEN ({error}); check the network.")
        if config.llm_model:  # a bad LLM_MODEL stops the start, not the first question
            from knowledge.errors import KnowledgeError

            try:
                svc.llm()  # answers and stories share it
            except KnowledgeError as error:
                fail(str(error))
        from bot.scheduling.alerts import schedule_alerts
        from bot.scheduling.digest import schedule_digest
        from bot.scheduling.scheduler import start_scheduler

        scheduler = start_scheduler(svc)
        if config.story_channel:
            log.info("story scheduler started for %s", config.story_channel)
        schedule_alerts(scheduler, svc, app.client)  # each logs what it will post, or why not
        schedule_digest(scheduler, svc, app.client)
        try:
            if http:
                from bot.slack.server import create_server

                bind = port or config.port
                try:
                    server = create_server(app, host, bind, threads=threads)
                except OSError as error:
                    fail(
                        f"Cannot listen on {host}:{bind} ({error.strerror or error}); "
                        "choose another --port or PORT, or stop what is using it."
                    )
                click.echo(
                    f"journeybot listening on http://{host}:{server.effective_port}/slack/events"
                )
                server.run()
            else:
                from bot.slack.socket_mode import socket_mode_handler

                click.echo("journeybot connecting to Slack in Socket Mode")
                socket_mode_handler(app, config).start()
        finally:
            scheduler.shutdown(wait=False)
