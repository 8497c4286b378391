"""Running the reference ``asn_generate`` from a virtual environment of its own.

The reference is never imported here: a server process is started with the given
environment's Python, imports the reference once (which takes seconds), then runs one
``asn_generate`` command line per request read from its stdin and answers with one JSON
line. A request that does not finish within the timeout has its server killed; the next
request starts a new one.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import time
from pathlib import Path

from .compare import Outcome

#: The server, run by the reference environment's Python. It finds ``asn_generate`` as
#: its console script and runs it with ``sys.argv`` set, logging off.
SERVER = r"""
import contextlib, io, json, logging, sys, traceback
from importlib.metadata import entry_points
(script,) = [e for e in entry_points(group="console_scripts") if e.name == "asn_generate"]
command = script.load()
logging.disable(logging.CRITICAL)
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    sys.argv = ["asn_generate", *request["args"]]
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            command()
        answer = {"status": "ok"}
    except SystemExit as exc:
        answer = {"status": "ok" if not exc.code else "error",
                  "message": f"exit {exc.code}: {sink.getvalue()[-400:]}"}
    except Exception as exc:
        answer = {"status": "error",
                  "message": f"{type(exc).__name__}: {exc}"[:400]}
    logging.disable(logging.CRITICAL)
    print(json.dumps(answer), flush=True)
"""


class ReferenceError_(RuntimeError):
    """The reference environment cannot be started (not a jwst venv)."""


class Reference:
    """A running reference server.

    Parameters
    ----------
    venv : path
        A virtual environment with ``jwst`` installed (``pip install jwst==3.0.0``).
    timeout : float
        Seconds one ``asn_generate`` run may take.
    startup_timeout : float
        Seconds the server may take to import the reference.
    """

    def __init__(self, venv: str | Path, timeout: float = 60.0, startup_timeout: float = 180.0):
        self.python = Path(venv) / "bin" / "python"
        if not self.python.exists():
            raise ReferenceError_(f"{self.python} does not exist: give --reference-venv the "
                                  "folder of a virtual environment with jwst installed")
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None
        self.runs = 0

    def _start(self) -> None:
        self.process = subprocess.Popen(
            [str(self.python), "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, start_new_session=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"})
        answer = self._read(self.startup_timeout)
        if not answer or not answer.get("ready"):
            self.close()
            raise ReferenceError_(f"{self.python} could not import jwst's asn_generate")

    def _read(self, timeout: float) -> dict | None:
        assert self.process and self.process.stdout
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.process.stdout], [], [], left)
            if ready:
                line = self.process.stdout.readline()
                if not line:
                    return None
                try:
                    return json.loads(line)
                except json.JSONDecodeError:
                    continue  # a stray print of the reference: not ours

    def run(self, pool: Path, out: Path, args: list[str]) -> Outcome:
        """Run ``asn_generate POOL -p OUT --version-id v0 ARGS``.

        Parameters
        ----------
        pool : path
            The pool file.
        out : path
            An existing, empty folder for the association files.
        args : list of str
            The mode's arguments.

        Returns
        -------
        Outcome
            ``ok`` with the associations read from ``out``, ``error`` or ``timeout``.
        """
        if self.process is None or self.process.poll() is not None:
            self._start()
        request = {"args": [str(pool), "-p", str(out), "--version-id", "v0", *args]}
        assert self.process and self.process.stdin
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        self.runs += 1
        answer = self._read(self.timeout)
        if answer is None:
            self.close()
            return Outcome("timeout", message=f"no answer within {self.timeout:g} s")
        if answer["status"] != "ok":
            return Outcome("error", message=answer.get("message", ""))
        asns = [json.loads(p.read_text()) for p in sorted(Path(out).glob("*_asn.json"))]
        return Outcome("ok", asns)

    def close(self) -> None:
        """Stop the server (its whole process group)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        self.process = None
