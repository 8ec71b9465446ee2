"""Desk accounts from the command line (docs/desk.md).

    python -m desk.manage create USERNAME --name "Ana Pérez" --role agent --queues technical,general
    python -m desk.manage password USERNAME      # a new password; ends the account's sessions
    python -m desk.manage disable USERNAME       # cannot sign in any more; sessions end
    python -m desk.manage list

The password is asked twice without echo, or read from the first line of
standard input with --password-stdin (for provisioning scripts); it is never
an argument, which other users of the machine could read in the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.db.session import make_session_factory
from bot.settings import get_settings
from desk.accounts import AccountError, Accounts, Role, check_password


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        check_password(password)
        return password
    first = getpass.getpass("Contraseña: ")
    check_password(first)
    if getpass.getpass("Repita la contraseña: ") != first:
        raise AccountError("the two passwords differ")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desk.manage", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create an account or change one")
    create.add_argument("username")
    create.add_argument("--name", help="the name customers and colleagues see (required for a new account)")
    create.add_argument("--role", choices=[r.value for r in Role], default=Role.AGENT.value)
    create.add_argument("--queues", default="general",
                        help="comma-separated: technical, billing, sales, retention, general, or *")
    create.add_argument("--password-stdin", action="store_true")
    password = commands.add_parser("password", help="set a new password")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true")
    disable = commands.add_parser("disable", help="stop an account from signing in")
    disable.add_argument("username")
    commands.add_parser("list", help="every account")
    args = parser.parse_args(argv)

    accounts = Accounts(make_session_factory(get_settings().database_url))
    try:
        if args.command == "create":
            queues = [q.strip() for q in args.queues.split(",") if q.strip()]
            secret = _password(args.password_stdin)
            user = accounts.save(args.username, args.name, Role(args.role), queues, secret)
            print(f"Account {user.username} saved ({user.role.value}; queues: {', '.join(user.queues)}).")
        elif args.command == "password":
            current = {u.username: u for u, _, _ in accounts.listing()}.get(args.username.strip().lower())
            if current is None:
                raise AccountError(f"no account '{args.username}'")
            secret = _password(args.password_stdin)
            accounts.save(current.username, None, current.role, list(current.queues), secret)
            print(f"New password for {current.username}; their open sessions ended.")
        elif args.command == "disable":
            accounts.deactivate(args.username)
            print(f"Account {args.username} disabled; its sessions ended.")
        else:
            for user, active, has_password in accounts.listing():
                state = "active" if active else "disabled"
                login = "" if has_password else ", no password (cannot sign in)"
                served = ", ".join(user.queues)
                print(f"{user.username:<16} {user.role.value:<10} {state}{login}  {user.name}  [{served}]")
    except AccountError as error:
        print(f"desk.manage: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
