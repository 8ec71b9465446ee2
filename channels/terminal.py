"""Terminal chat with a running assistant (`make shell`).

Uses Rasa's own console client against the REST webhook of the server that
`make run` started, so the terminal conversation goes through exactly the same
server, action server and database as any other channel.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from urllib.error import URLError
from urllib.request import urlopen

from rasa.core.channels.console import record_messages


def _server_is_up(url: str) -> bool:
    try:
        with urlopen(f"{url}/", timeout=3) as response:
            return response.status == 200
    except (URLError, OSError):
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument("--sender", default=f"terminal-{uuid.uuid4().hex[:8]}")
    args = parser.parse_args()
    if not _server_is_up(args.url):
        print(
            f"No assistant answers at {args.url}. Start it first with 'make run' "
            "in another terminal.",
            file=sys.stderr,
        )
        return 1
    asyncio.run(record_messages(args.sender, server_url=args.url, use_response_stream=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
