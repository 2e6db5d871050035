"""The real egov (`scripts/run.sh`: granian, the task worker, the outbox) on a free port, for tests
that kill its processes. It uses the test database, so the test sees what the server wrote."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def database_url() -> str:
    """The test database, as the server's DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _processes() -> dict[int, tuple[int, str]]:
    """pid → (parent pid, command line) of every process of this machine, from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # ended while we looked
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        found[int(entry.name)] = (parent, command)
    return found


def wait_for[T](probe: Callable[[], T], *, timeout: float, what: str, every: float = 0.2) -> T:
    """The first truthy answer of `probe`, asked until `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        answer = probe()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


@dataclass
class Server:
    url: str
    script: subprocess.Popen[bytes]
    log: Path

    def descendants(self) -> dict[int, str]:
        """pid → command line of every process started by the script, however deep."""
        table = _processes()
        found: dict[int, str] = {}
        parents = {self.script.pid}
        while parents:
            children = {pid for pid, (parent, _cmd) in table.items() if parent in parents} - found.keys()
            found.update({pid: table[pid][1] for pid in children})
            parents = children
        return found

    def pids(self, marker: str) -> set[int]:
        """Processes whose command line holds `marker` ("run_worker", "run_outbox", "granian")."""
        found = self.descendants().items()
        return {pid for pid, command in found if marker in command and "run.sh" not in command}

    def web_workers(self) -> set[int]:
        """granian's worker processes (children of the granian main process)."""
        table = _processes()
        granian = self.pids("granian")
        return {pid for pid in granian if table.get(pid, (0, ""))[0] in granian}

    def answers(self) -> bool:
        try:
            return requests.get(f"{self.url}/thu-tuc/", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> set[int]:
        """SIGTERM to the script, as Ctrl+C or systemd would; the processes that outlived it (killed)."""
        if self.script.poll() is not None:
            return set()
        started = self.descendants()
        self.script.send_signal(signal.SIGTERM)
        try:
            self.script.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.script.kill()
        time.sleep(0.5)
        table = _processes()
        leftovers = {pid for pid, command in started.items() if table.get(pid, (0, ""))[1] == command}
        for pid in leftovers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return leftovers


@contextlib.contextmanager
def running_egov(var_dir: Path, *, workers: int = 2, **environment: str) -> Iterator[Server]:
    """Start scripts/run.sh on a free port; stop it (and everything it started) at the end."""
    port = free_port()
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EGOV_VAR_DIR": str(var_dir),
        "EGOV_BIN": str(Path(sys.executable).parent),
        "EGOV_DEMO": "1",  # the simulators of SMS and the national portal answer on the same server
        "EGOV_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EGOV_LOG_LEVEL": "WARNING",
        **environment,
    }
    env.pop("EGOV_SITE_URL", None)  # run.sh names the address it serves
    log = var_dir / "run.log"
    with log.open("wb") as output:
        script = subprocess.Popen(  # noqa: S603 — our own script
            [shutil.which("bash") or "/bin/bash", "scripts/run.sh", "127.0.0.1", str(port), str(workers)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(url=f"http://127.0.0.1:{port}", script=script, log=log)
    try:
        try:
            wait_for(server.answers, timeout=90, what=f"egov to answer on port {port}")
        except AssertionError as error:
            raise AssertionError(f"{error}\n{server.output()}") from None
        yield server
    finally:
        server.stop()
