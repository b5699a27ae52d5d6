"""Analysts are told: a refused delivery gives an alert (log line, webhook, e-mail) and a banner on
the dashboard naming the reason and both dates, until a later run publishes; the publication
itself stays untouched."""

from __future__ import annotations

import email
import email.policy
import json
import re
import socketserver
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import dagster as dg
import pytest

from pipeline.alerts.notify import Alert, alert_log_path, send_alert
from pipeline.alerts.status import FAILED, STATUS_FILE, parse_time, read_run_status, write_run_status
from pipeline.cli import PipelineError, main, run_pipeline
from pipeline.defs.automation import run_failure_alert, run_success_record
from pipeline.defs.resources import PipelineSettings, run_config
from pipeline.presentation import read_marts
from pipeline.presentation.run_status import local_time, refusal_banner
from pipeline.publish.publication import MANIFEST, read_manifest
from tests.conftest import RawFolder

HTML = b"<!DOCTYPE html>\n<html><body>Toegang geweigerd</body></html>\n"
REFUSED = "politie/download.csv"
REASON = f"{REFUSED}: dit lijkt een HTML/XML-pagina"
BANNER = re.compile(r"De levering van (\d\d-\d\d-\d{4} \d\d:\d\d) is niet verwerkt: (.+); "
                    r"u ziet de publicatie van (\d\d-\d\d-\d{4} \d\d:\d\d)\.")


class Webhook:
    """A local HTTP endpoint that records what is POSTed to it."""

    def __init__(self, status: int = 200):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((self.path, self.headers["Content-Type"], json.loads(body)))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/melding"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    """The smallest SMTP server that accepts a message (no TLS, no login), for the e-mail path."""

    def __init__(self):
        messages = self.messages = []

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 localhost\r\n")
                while line := self.rfile.readline():
                    command = line.strip().upper()
                    if command == b"DATA":
                        self.wfile.write(b"354 go ahead\r\n")
                        data = b""
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data += chunk
                        messages.append(data)
                        self.wfile.write(b"250 queued\r\n")
                    elif command == b"QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:  # EHLO, MAIL FROM, RCPT TO, ...
                        self.wfile.write(b"250 ok\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def channels(tmp_path, monkeypatch):
    """Alert log in tmp, a webhook and a mailbox on this machine, configured as analysts would."""
    hook, mailbox = Webhook(), Mailbox()
    log = tmp_path / "meldingen" / "alerts.log"
    monkeypatch.setenv("VI_ALERT_LOG", str(log))
    monkeypatch.setenv("VI_ALERT_WEBHOOK", hook.url)
    monkeypatch.setenv("VI_ALERT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("VI_ALERT_SMTP_PORT", str(mailbox.port))
    monkeypatch.setenv("VI_ALERT_SMTP_FROM", "pipeline@gemeente.example")
    monkeypatch.setenv("VI_ALERT_SMTP_TO", "analist@gemeente.example, tweede@gemeente.example")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    yield log, hook, mailbox
    hook.close()
    mailbox.close()


def _job_run(raw: Path, marts: Path, instance: dg.DagsterInstance):
    """The Dagster job, as a run from the UI, the schedule or the sensor executes it."""
    from pipeline.definitions import defs

    job = defs().resolve_job_def("veiligheidsindex_job")
    return job.execute_in_process(instance=instance, raise_on_error=False, run_config={
        **run_config(raw, marts), "loggers": {"console": {"config": {"log_level": "CRITICAL"}}}})


def _evaluate(sensor, result, instance, raw: Path, marts: Path, failure: bool):
    """One evaluation of a run-status sensor for this run, as the daemon does it."""
    event = result.get_run_failure_event() if failure else result.get_run_success_event()
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor.name, dagster_event=event, dagster_instance=instance, dagster_run=result.dagster_run,
        resources={"settings": PipelineSettings(raw_dir=str(raw), marts_dir=str(marts))})
    return sensor(context.for_run_failure() if failure else context)


def test_a_refused_delivery_is_told_and_shown_until_a_later_run_publishes(tmp_path, channels):
    log, hook, mailbox = channels
    raw, marts = RawFolder(tmp_path / "raw"), tmp_path / "marts"
    first = run_pipeline(raw.root, marts, quiet=True)
    assert refusal_banner(read_marts(marts)) is None  # nothing refused yet
    assert read_run_status(marts)["status"] == "gepubliceerd"
    published = (marts / MANIFEST).read_bytes()

    # An HTML page saved as a police CSV, run by Dagster (UI, schedule or sensor).
    raw.path(REFUSED).write_bytes(HTML)
    instance = dg.DagsterInstance.ephemeral()
    result = _job_run(raw.root, marts, instance)
    assert not result.success
    _evaluate(run_failure_alert, result, instance, raw.root, marts, failure=True)

    assert (marts / MANIFEST).read_bytes() == published  # the publication is untouched
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1, lines
    assert f"run {result.run_id}" in lines[0] and "veiligheidsindex_job" in lines[0]
    assert f"raw_politie: {REASON}" in lines[0] and re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d ", lines[0])
    (path, kind, body), = hook.received
    assert path == "/melding" and kind.startswith("application/json")
    assert REASON in body["text"] and result.run_id in body["text"]
    (raw_mail,) = mailbox.messages
    mail = email.message_from_bytes(raw_mail, policy=email.policy.default)
    assert mail["To"] == "analist@gemeente.example, tweede@gemeente.example"
    assert "niet verwerkt" in mail["Subject"] and REASON in mail.get_content()

    status = read_run_status(marts)
    assert status["status"] == FAILED and status["run_id"] == result.run_id and status["ruwe_map"] == str(raw.root)
    banner = refusal_banner(read_marts(marts))
    match = BANNER.fullmatch(banner or "")
    assert match, banner
    assert match[1] == local_time(parse_time(status["gestart_op"]))
    assert match[3] == local_time(parse_time(first["gepubliceerd_op"]))
    assert REASON in match[2] and "raw_politie" not in match[2]  # the reason, not the step

    # The same refusal through `veiligheidsindex run` is told too, and the CLI says it itself.
    assert main(["run", "--raw", str(raw.root), "--marts", str(marts)]) == 1
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2 and len(hook.received) == 2
    again = read_run_status(marts)
    assert again["run_id"] != result.run_id and parse_time(again["gestart_op"]) > parse_time(status["gestart_op"])
    assert BANNER.fullmatch(refusal_banner(marts) or "")  # also from the folder alone
    assert (marts / MANIFEST).read_bytes() == published

    # The file is taken away: the next run publishes, and the banner is gone.
    raw.path(REFUSED).unlink()
    instance = dg.DagsterInstance.ephemeral()
    result = _job_run(raw.root, marts, instance)
    assert result.success
    _evaluate(run_success_record, result, instance, raw.root, marts, failure=False)
    assert read_run_status(marts)["status"] == "gepubliceerd"
    assert read_run_status(marts)["publicatie_id"] == read_manifest(marts)["publicatie_id"]
    assert refusal_banner(read_marts(marts)) is None
    assert len(hook.received) == 2  # a success sends nothing


def test_a_later_publication_clears_the_banner_even_without_a_status_update(tmp_path, golden_run):
    """The time decides: a refusal that started before the current publication is over (a Dagster
    run whose success sensor did not run yet, or that published from another tool)."""
    manifest = read_manifest(golden_run.marts)
    published = parse_time(manifest["gepubliceerd_op"])
    marts = tmp_path / "marts"
    marts.mkdir()
    (marts / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert refusal_banner(marts) is None  # an older publication without status file
    raw = Path(manifest["ruwe_map"])
    write_run_status(marts, run_id="r1", started_at=published - timedelta(minutes=5), status=FAILED, raw_dir=raw,
                     reason="politie/x.csv: het bestand is leeg")
    assert refusal_banner(marts) is None
    write_run_status(marts, run_id="r2", started_at=published + timedelta(minutes=5), status=FAILED,
                     raw_dir=tmp_path / "andere_map", reason="politie/x.csv: het bestand is leeg")
    assert refusal_banner(marts) is None  # another raw folder's run: not this publication's delivery
    write_run_status(marts, run_id="r3", started_at=published + timedelta(minutes=5), status=FAILED, raw_dir=raw,
                     reason="politie/x.csv: het bestand is leeg.")
    assert refusal_banner(marts) == (f"De levering van {local_time(published + timedelta(minutes=5))} is niet "
                                     f"verwerkt: politie/x.csv: het bestand is leeg; u ziet de publicatie van "
                                     f"{local_time(published)}.")
    (marts / STATUS_FILE).write_text("{niet af", encoding="utf-8")  # damaged: no banner, no error
    assert refusal_banner(marts) is None


def test_dates_are_dutch_local_time():
    winter = datetime(2026, 1, 15, 13, 5, tzinfo=UTC)
    summer = datetime(2026, 7, 15, 13, 5, tzinfo=UTC)
    assert (local_time(winter), local_time(summer)) == ("15-01-2026 14:05", "15-07-2026 15:05")


def test_a_channel_that_fails_is_logged_not_raised(tmp_path, monkeypatch):
    hook = Webhook(status=500)
    try:
        monkeypatch.setenv("VI_ALERT_LOG", str(tmp_path / "alerts.log"))
        monkeypatch.setenv("VI_ALERT_WEBHOOK", hook.url)
        monkeypatch.setenv("VI_ALERT_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("VI_ALERT_SMTP_PORT", "9")  # nothing listens: refused at once
        monkeypatch.setenv("VI_ALERT_SMTP_FROM", "pipeline@gemeente.example")
        monkeypatch.setenv("VI_ALERT_SMTP_TO", "analist@gemeente.example")
        alert = Alert("run-1", "veiligheidsindex_job", datetime.now(UTC), tmp_path / "raw",
                      tmp_path / "marts", "raw_enquete: enquete/enquete.csv: kolom(men) weegfactor ontbreken")
        problems = send_alert(alert)
    finally:
        hook.close()
    assert len(hook.received) == 1
    assert [p.split(" ")[0] for p in problems] == ["webhook", "e-mail"] and "HTTP 500" in problems[0]
    lines = (tmp_path / "alerts.log").read_text(encoding="utf-8").splitlines()
    assert "weegfactor ontbreken" in lines[0] and "webhook mislukt: HTTP 500" in lines[1] and "e-mail mislukt" in lines[2]


def test_the_alert_log_lives_beside_the_marts_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("VI_ALERT_LOG", raising=False)
    assert alert_log_path(tmp_path / "data" / "marts") == tmp_path / "data" / "alerts" / "meldingen.log"


def test_the_first_run_ever_failing_alerts_and_shows_no_banner(tmp_path, monkeypatch):
    """No publication yet: the alert goes out, the status is kept, there is nothing to show instead."""
    monkeypatch.setenv("VI_ALERT_LOG", str(tmp_path / "alerts.log"))
    monkeypatch.delenv("VI_ALERT_WEBHOOK", raising=False)
    monkeypatch.delenv("VI_ALERT_SMTP_HOST", raising=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    raw = RawFolder(tmp_path / "raw")
    raw.path(REFUSED).write_bytes(HTML)
    with pytest.raises(PipelineError) as failure:
        run_pipeline(raw.root, tmp_path / "marts", quiet=True)
    assert REASON in str(failure.value) and "Traceback" not in str(failure.value)
    assert REASON in (tmp_path / "alerts.log").read_text(encoding="utf-8")
    assert read_run_status(tmp_path / "marts")["status"] == FAILED
    assert refusal_banner(tmp_path / "marts") is None


def test_a_status_file_that_cannot_be_written_does_not_stop_the_alert(tmp_path, monkeypatch):
    from pipeline.alerts.runs import report_failure

    monkeypatch.setenv("VI_ALERT_LOG", str(tmp_path / "alerts.log"))
    monkeypatch.delenv("VI_ALERT_WEBHOOK", raising=False)
    monkeypatch.delenv("VI_ALERT_SMTP_HOST", raising=False)
    (tmp_path / "marts" / STATUS_FILE).mkdir(parents=True)  # in the way of the rename
    report_failure(run_id="r1", job="veiligheidsindex_job", started_at=datetime.now(UTC),
                   raw_dir=tmp_path / "raw", marts_dir=tmp_path / "marts", events=[])
    assert "de run is mislukt" in (tmp_path / "alerts.log").read_text(encoding="utf-8")


def test_the_alert_sensors_are_on_by_default_and_the_run_starters_off():
    """Telling starts no run, so it is on from the start (with the Dagster daemon); whatever starts
    runs is switched on by the analyst under Automation."""
    from pipeline.definitions import defs

    definitions = defs()
    running = dg.DefaultSensorStatus.RUNNING
    assert definitions.resolve_sensor_def("meld_mislukte_run").default_status == running
    assert definitions.resolve_sensor_def("registreer_publicatie").default_status == running
    for name in ("raw_files_sensor", "volg_bronnen"):
        assert definitions.resolve_sensor_def(name).default_status == dg.DefaultSensorStatus.STOPPED
    assert definitions.resolve_schedule_def("maandelijks").default_status == dg.DefaultScheduleStatus.STOPPED
