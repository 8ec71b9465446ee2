"""Run a server and start it again when it dies, until told to stop.

`make run` starts its processes with honcho, which stops every process as
soon as one exits: one Rasa server killed by the kernel (out of memory, say)
took the action server and the desk down with it, and every customer with
them. Each Procfile line runs its server under this script instead:

    python -m scripts.keep_running -- .venv/bin/rasa run ...

A server that exits for any reason is started again after a pause that grows
from 1 s to 30 s while it keeps dying (and starts at 1 s again once it has run
for a minute). SIGTERM or SIGINT (honcho's Ctrl-C) is passed on to the server,
and the script exits with it instead of restarting. The conversations resume
where they were: they live in the tracker store, not in the process. In
production the same job falls to the service manager (docs/operations.md).
"""
from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from types import FrameType

FIRST_PAUSE_S = 1.0
LONGEST_PAUSE_S = 30.0
# A server that ran this long was healthy: the next crash pauses briefly again.
HEALTHY_AFTER_S = 60.0


def describe(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with {returncode}"


class Keeper:
    def __init__(self, command: list[str], first_pause_s: float = FIRST_PAUSE_S) -> None:
        self.command = command
        self.first_pause_s = first_pause_s
        self.stopping = False
        self.child: subprocess.Popen[bytes] | None = None

    def stop(self, signum: int, _frame: FrameType | None) -> None:
        self.stopping = True
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signum)

    def run(self) -> int:
        pause = self.first_pause_s
        name = self.command[0].rsplit("/", 1)[-1]
        while True:
            started = time.monotonic()
            self.child = subprocess.Popen(self.command)
            returncode = self.child.wait()
            if self.stopping:
                return 0 if returncode in (0, -signal.SIGTERM, -signal.SIGINT) else returncode
            if time.monotonic() - started >= HEALTHY_AFTER_S:
                pause = self.first_pause_s
            print(f"keep_running: {name} {describe(returncode)}; starting it again in {pause:.0f} s",
                  file=sys.stderr, flush=True)
            deadline = time.monotonic() + pause
            while time.monotonic() < deadline and not self.stopping:
                time.sleep(0.1)
            if self.stopping:
                return 0
            pause = min(pause * 2, LONGEST_PAUSE_S)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the server's command line")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the server's command after --")
    keeper = Keeper(command)
    signal.signal(signal.SIGTERM, keeper.stop)
    signal.signal(signal.SIGINT, keeper.stop)
    return keeper.run()


if __name__ == "__main__":
    sys.exit(main())
