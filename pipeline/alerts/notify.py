"""The alert for a run that failed: one line in the alert log, always; a webhook and an e-mail
when configured. Settings are environment variables, read when an alert is sent:

  VI_ALERT_LOG            the log file (default: beside the marts folder, data/marts -> data/alerts/meldingen.log)
  VI_ALERT_WEBHOOK        http(s) URL; receives POST {"text": ...} (Slack, Teams, Mattermost, ntfy, ...)
  VI_ALERT_SMTP_HOST      SMTP server; with VI_ALERT_SMTP_FROM and VI_ALERT_SMTP_TO (comma-separated)
  VI_ALERT_SMTP_PORT      default 25, or 465 / 587 with VI_ALERT_SMTP_SECURITY ssl / starttls
  VI_ALERT_SMTP_SECURITY  geen | starttls | ssl (default: ssl on port 465, starttls on 587, else geen)
  VI_ALERT_SMTP_USER, VI_ALERT_SMTP_PASSWORD   login, only when a password is set

A channel that fails is reported in the log file and the caller's log, never raised: an alert
must not turn a refused delivery into a second error. Dagster's make_email_on_run_failure_sensor
is not used: it always logs in, allows SSL or STARTTLS only, and sends its text undeclared as
ASCII, so a Dutch reason ("enquête") cannot be sent; EmailMessage sends UTF-8.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

LOG_ENV = "VI_ALERT_LOG"
WEBHOOK_ENV = "VI_ALERT_WEBHOOK"
TIMEOUT_SECONDS = 10
TIMEZONE = ZoneInfo("Europe/Amsterdam")  # the gemeente's clock, as the dashboard shows times

log = logging.getLogger("veiligheidsindex.alerts")


def alert_log_path(marts: Path) -> Path:
    configured = os.environ.get(LOG_ENV, "").strip()
    return Path(configured).expanduser() if configured else Path(marts).parent / "alerts" / "meldingen.log"


@dataclass(frozen=True)
class Alert:
    run_id: str
    job: str
    started_at: datetime  # timezone-aware
    raw_dir: Path
    marts_dir: Path
    reason: str  # failure_message: one line per failed step or check

    @property
    def when(self) -> str:
        return self.started_at.astimezone(TIMEZONE).strftime("%d-%m-%Y %H:%M")

    def line(self) -> str:
        """One line of the alert log: time, job, run, reason, folders."""
        reason = " | ".join(part.strip() for part in self.reason.splitlines() if part.strip())
        return (f"{self.started_at.astimezone(TIMEZONE).isoformat(timespec='seconds')} | {self.job} | run {self.run_id}"
                f" | niet verwerkt: {reason} | ruwe map {self.raw_dir}; de vorige publicatie in {self.marts_dir} "
                "blijft staan")

    def subject(self) -> str:
        return f"Veiligheidsindex: levering van {self.when} niet verwerkt"

    def text(self) -> str:
        return (f"Veiligheidsindex: de levering van {self.when} is niet verwerkt.\n\n"
                f"Reden:\n{self.reason}\n\n"
                f"Run {self.run_id} (job {self.job}), ruwe map {self.raw_dir}.\n"
                f"De vorige publicatie in {self.marts_dir} blijft staan; het dashboard meldt dat deze levering "
                "niet is verwerkt. Herstel het bestand en start de run opnieuw (of laat de sensor dat doen).")


def send_alert(alert: Alert) -> list[str]:
    """Log line, then webhook and e-mail if configured. Returns the problems (Dutch), if any."""
    problems = []
    path = alert_log_path(alert.marts_dir)
    if not _append(path, alert.line()):
        problems.append(f"meldingenlog {path} kon niet worden geschreven")
    for name, channel in (("webhook", _webhook), ("e-mail", _email)):
        try:
            channel(alert)
        except Exception as exc:  # any failure of a channel is reported, never raised
            problems.append(f"{name} mislukt: {exc}")
    for problem in problems:
        log.warning("Melding over run %s: %s", alert.run_id, problem)
        if path.exists():
            _append(path, f"{datetime.now(TIMEZONE).isoformat(timespec='seconds')} | {alert.job} | run "
                          f"{alert.run_id} | melding: {problem}")
    return problems


def _append(path: Path, line: str) -> bool:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Owner-only, like the analysts' database: a reason can quote a header from a raw file.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(line.replace("\n", " ") + "\n")
        return True
    except OSError as exc:
        log.warning("Meldingenlog %s kon niet worden geschreven: %s", path, exc)
        return False


def _webhook(alert: Alert) -> None:
    url = os.environ.get(WEBHOOK_ENV, "").strip()
    if not url:
        return
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError(f"{WEBHOOK_ENV} moet een http(s)-adres zijn")
    request = urllib.request.Request(url, data=json.dumps({"text": alert.text()}, ensure_ascii=False).encode("utf-8"),
                                     headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"HTTP {exc.code} van {url}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise RuntimeError(f"{url} niet bereikbaar ({getattr(exc, 'reason', exc)})") from None


def _email(alert: Alert) -> None:
    host = os.environ.get("VI_ALERT_SMTP_HOST", "").strip()
    if not host:
        return
    sender = os.environ.get("VI_ALERT_SMTP_FROM", "").strip()
    to = [a.strip() for a in os.environ.get("VI_ALERT_SMTP_TO", "").split(",") if a.strip()]
    if not sender or not to:
        raise ValueError("VI_ALERT_SMTP_FROM en VI_ALERT_SMTP_TO zijn nodig naast VI_ALERT_SMTP_HOST")
    port_text = os.environ.get("VI_ALERT_SMTP_PORT", "").strip()
    port = int(port_text) if port_text else None
    security = os.environ.get("VI_ALERT_SMTP_SECURITY", "").strip().lower() or {465: "ssl", 587: "starttls"}.get(port, "geen")
    if security not in ("geen", "starttls", "ssl"):
        raise ValueError("VI_ALERT_SMTP_SECURITY is geen, starttls of ssl")
    port = port or {"ssl": 465, "starttls": 587}.get(security, 25)
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = alert.subject(), sender, ", ".join(to)
    message.set_content(alert.text())  # UTF-8 where needed
    context = ssl.create_default_context()
    smtp = (smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=context) if security == "ssl"
            else smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS))
    with smtp:
        if security == "starttls":
            smtp.starttls(context=context)
        password = os.environ.get("VI_ALERT_SMTP_PASSWORD", "")
        if password:
            smtp.login(os.environ.get("VI_ALERT_SMTP_USER", "").strip() or sender, password)
        smtp.send_message(message)
