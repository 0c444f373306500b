"""The favorbook command: the app with no command, headless jobs with one.

Exit codes: 0 done, 2 bad input or usage, 1 anything else (a damaged or newer
database, a file that cannot be written, ...). Errors are one clear line on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from favorbook import __version__

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _count(low: int, high: int):
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:,} to {high:,}")
        return value

    return parse


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="folder holding favorbook.db (default: $FAVORBOOK_DATA_DIR, else the user data dir)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="favorbook",
        description="Contacts, favors given and received, and call preparation. "
        "With no command, opens the app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"favorbook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", parents=[common], help="fill the database with a sample network")
    demo.add_argument(
        "--contacts",
        type=_count(1, 1_000_000),
        default=60,
        metavar="N",
        help="how many sample contacts (default 60)",
    )
    demo.add_argument(
        "--seed",
        type=_count(0, 2**63 - 1),
        default=1,
        metavar="S",
        help="random seed; the same seed gives the same network",
    )
    demo.add_argument(
        "--force",
        action="store_true",
        help="add the sample even though the database holds contacts of your own",
    )

    stats = sub.add_parser("stats", parents=[common], help="headline figures of your network")
    stats.add_argument("--json", action="store_true", help="print JSON")

    search = sub.add_parser("search", parents=[common], help="find contacts")
    search.add_argument(
        "query",
        metavar="QUERY",
        nargs="*",
        help='words, "phrases", field:term filters (tag:golf, org:acme)',
    )
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument(
        "--limit",
        type=_count(1, 1_000_000),
        default=20,
        metavar="N",
        help="at most N results (default 20)",
    )

    sub.add_parser(
        "check", parents=[common], help="check the database; exit 1 when it is not healthy"
    )

    backup = sub.add_parser(
        "backup", parents=[common], help="back up the database (into the backups folder)"
    )
    backup.add_argument(
        "--out", metavar="FILE", help="write the backup to FILE (or into the folder FILE)"
    )

    restore = sub.add_parser(
        "restore",
        parents=[common],
        help="replace the database with a backup (the current one is backed up first)",
    )
    restore.add_argument("file", metavar="FILE", help="a favorbook backup")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "search":
        # Whatever the user types is a search, even words that look like options (-x).
        args.query = " ".join([*args.query, *extra])
        if not args.query:
            parser.error("search needs a QUERY")
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    data_dir = getattr(args, "data_dir", None)
    if args.command is None:
        from favorbook.ui.launch import launch

        return launch(data_dir)
    from favorbook.errors import ValidationError
    from favorbook.services.session import describe_error

    try:
        return COMMANDS[args.command](args, data_dir)
    except Exception as exc:  # the user gets one line, never a traceback
        print(f"favorbook: {describe_error(exc)}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, ValidationError) else EXIT_FAIL
    finally:
        from favorbook.services import session

        session.close()


def _demo(args, data_dir) -> int:
    from favorbook.services import demo, session

    path = session.open_data(data_dir)
    interactive = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if interactive:
            print(
                f"\rBuilding the sample network… {100 * done // total:3d}%",
                end="",
                file=sys.stderr,
                flush=True,
            )

    try:
        n = demo.load(args.contacts, seed=args.seed, force=args.force, progress=progress)
    except demo.SampleRefused as exc:
        print(f"favorbook: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if interactive:
        print(file=sys.stderr)
    print(f"Added a sample network of {n} contacts to {path}.")
    return EXIT_OK


def _ratio_text(value: float | None) -> str:
    return "n/a (nothing received yet)" if value is None else f"{value:g}:1"


def _stats(args, data_dir) -> int:
    from favorbook.services import session, stats

    session.open_data(data_dir)
    figures = stats.summary()
    if args.json:
        print(json.dumps(figures, indent=2))
        return EXIT_OK
    rows = [
        ("Contacts", figures["contacts"]),
        ("Favors given", figures["favors_given"]),
        ("Favors received", figures["favors_received"]),
        (
            "Give:take ratio",
            f"{_ratio_text(figures['give_take_ratio'])} (target {figures['target_ratio']:g}:1)",
        ),
        ("Open IOUs owed to me", figures["open_ious_owed_to_me"]),
        ("Open IOUs I owe", figures["open_ious_i_owe"]),
        ("Follow-ups overdue", figures["followups_overdue"]),
        ("Due for a touch", figures["stay_in_touch_due"]),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    return EXIT_OK


def _search(args, data_dir) -> int:
    from favorbook.services import search, session

    session.open_data(data_dir)
    hits = search.search(args.query, limit=args.limit)
    if args.json:
        print(json.dumps([hit.__dict__ for hit in hits], indent=2, ensure_ascii=False))
        return EXIT_OK
    if not hits:
        print("No contacts match.", file=sys.stderr)
    for hit in hits:
        company = f" — {hit.company}" if hit.company else ""
        print(f"{hit.id:>6}  {hit.name}{company} ({hit.kind})")
    return EXIT_OK


def _check(args, data_dir) -> int:
    from favorbook.db.database import schema_version
    from favorbook.services import session

    path, problems = session.check(data_dir)
    if problems:
        for problem in problems[:20]:
            print(f"favorbook: {problem}", file=sys.stderr)
        return EXIT_FAIL
    print(f"{path}: healthy (schema {schema_version()}).")
    return EXIT_OK


def _backup(args, data_dir) -> int:
    from favorbook.services import backup, session

    session.open_data(data_dir)
    path = backup.backup_now(args.out)
    print(f"Backed up to {path}.")
    return EXIT_OK


def _restore(args, data_dir) -> int:
    from favorbook import paths
    from favorbook.services import backup

    target = paths.database_path(data_dir)
    try:
        kept = backup.restore(args.file, target)
    except backup.BackupRefused as exc:
        print(f"favorbook: not restored: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Restored {target} from {args.file}.")
    if kept is not None:
        print(f"The database it replaced is kept as {kept}.")
    return EXIT_OK


COMMANDS = {
    "demo": _demo,
    "stats": _stats,
    "search": _search,
    "check": _check,
    "backup": _backup,
    "restore": _restore,
}
