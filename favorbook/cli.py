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
from favorbook.cli_args import EXIT_FAIL, EXIT_OK, EXIT_USAGE, whole_number
from favorbook.services.terms import counted


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
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="check that this favorbook works (offscreen, in a temporary data folder), then quit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    _add_local_parsers(sub, common)
    from favorbook import cli_meetings

    cli_meetings.add_parsers(sub, common)
    _add_file_parsers(sub, common)
    _add_sync_parsers(sub, common)
    from favorbook import cli_vault

    cli_vault.add_parsers(sub, common)
    return parser


def _add_local_parsers(sub, common) -> None:
    """demo, stats, search and check: commands on the database alone."""
    demo = sub.add_parser("demo", parents=[common], help="fill the database with a sample network")
    demo.add_argument(
        "--contacts",
        type=whole_number(1, 1_000_000),
        default=60,
        metavar="N",
        help="how many sample contacts (default 60)",
    )
    demo.add_argument(
        "--seed",
        type=whole_number(0, 2**63 - 1),
        default=1,
        metavar="S",
        help="random seed; the same seed gives the same network",
    )
    demo.add_argument(
        "--force",
        action="store_true",
        help="add the sample even though the database holds contacts of your own",
    )
    demo.add_argument(
        "--remove",
        action="store_true",
        help="remove the sample network (your own contacts stay)",
    )

    stats = sub.add_parser("stats", parents=[common], help="headline figures of your network")
    stats.add_argument("--json", action="store_true", help="print JSON")

    search = sub.add_parser("search", parents=[common], help="find contacts")
    search.add_argument(
        "query",
        metavar="QUERY",
        nargs="*",
        help='words, "phrases", field:term filters (tag:golf, org:acme); '
        "nothing (or '') lists contacts",
    )
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument(
        "--limit",
        type=whole_number(1, 1_000_000),
        default=20,
        metavar="N",
        help="at most N results (default 20)",
    )

    sub.add_parser(
        "check", parents=[common], help="check the database; exit 1 when it is not healthy"
    )


def _add_file_parsers(sub, common) -> None:
    """sheet, import, export, backup, restore, encrypt and decrypt: commands that read
    or write files."""
    sheet = sub.add_parser(
        "sheet",
        parents=[common],
        help="a one-page PDF briefing per person; several people make a meeting sheet",
    )
    sheet.add_argument(
        "people", metavar="NAME_OR_ID", nargs="*", help="a contact's id or (part of) their name"
    )
    sheet.add_argument(
        "--meeting",
        metavar="UID",
        help="the sheet of every attendee of this meeting (its UID, from favorbook meetings)",
    )
    sheet.add_argument(
        "--ics", metavar="FILE", help="with --meeting: find the meeting in this .ics file or URL"
    )
    sheet.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    sheet.add_argument(
        "--include-private", action="store_true", help="include notes marked private"
    )

    imp = sub.add_parser(
        "import", parents=[common], help="import contacts from vCard (.vcf) or CSV files"
    )
    imp.add_argument("files", metavar="FILE", nargs="+", help="files to import, each in one go")
    imp.add_argument("--json", action="store_true", help="print the report as JSON")

    exp = sub.add_parser("export", parents=[common], help="write contacts or dates to a file")
    exp.add_argument(
        "--format", required=True, choices=("vcf", "csv", "ics"), help="vcf, csv or ics"
    )
    exp.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    exp.add_argument(
        "--vcard-version",
        choices=("3.0", "4.0"),
        default="3.0",
        help="vCard version for --format vcf (default 3.0)",
    )
    exp.add_argument(
        "--include-private",
        action="store_true",
        help="also write private notes (vCard NOTE, CSV Notes); left out by default",
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

    encrypt = sub.add_parser(
        "encrypt",
        parents=[common],
        help="encrypt the database with a passphrase (needs the encryption extra)",
        description="Encrypt the database in place with SQLCipher. The passphrase comes from "
        "$FAVORBOOK_PASSPHRASE, else it is asked for twice. A backup is made first.",
    )
    encrypt.add_argument(
        "--remove-plain-backups",
        action="store_true",
        help="afterwards, delete the backups that are not encrypted (including the one made first)",
    )
    sub.add_parser(
        "decrypt",
        parents=[common],
        help="turn an encrypted database back into a plain one",
        description="Decrypt the database in place. The passphrase comes from "
        "$FAVORBOOK_PASSPHRASE, else it is asked for. A backup is made first.",
    )


def _add_sync_parsers(sub, common) -> None:
    """account and sync: the sync accounts and the sync itself."""
    account = sub.add_parser(
        "account",
        parents=[common],
        help="sync accounts (CardDAV/CalDAV): add, list, remove",
        description="The servers favorbook syncs contacts and follow-ups with. Passwords live "
        "in the system keyring; with $FAVORBOOK_SYNC_PASSWORD set, it is used and nothing is "
        "stored.",
    )
    acct_sub = account.add_subparsers(dest="account_command", metavar="ACTION", required=True)
    add = acct_sub.add_parser(
        "add",
        parents=[common],
        help="add an account: discovers its address books and task calendars",
        description="Add a sync account. The password comes from $FAVORBOOK_SYNC_PASSWORD, "
        "else it is asked for on a terminal, else read as one line from standard input.",
    )
    add.add_argument("url", metavar="URL", help="the server's address, or your e-mail address")
    add.add_argument("--user", required=True, metavar="USER", help="the user name")
    add.add_argument(
        "--addressbook",
        metavar="NAME",
        help="the address book (name or URL); default: the only one, or a new 'favorbook'",
    )
    add.add_argument(
        "--calendar",
        metavar="NAME",
        help="the tasks calendar (name or URL); default: the only one, or a new 'favorbook'",
    )
    add.add_argument("--name", metavar="NAME", help="the account's name (default USER@host)")
    acct_list = acct_sub.add_parser("list", parents=[common], help="list the accounts")
    acct_list.add_argument("--json", action="store_true", help="print JSON")
    remove = acct_sub.add_parser(
        "remove", parents=[common], help="remove an account (local contacts stay)"
    )
    remove.add_argument("name", metavar="NAME", help="the account's name")

    sync = sub.add_parser(
        "sync",
        parents=[common],
        help="sync contacts and follow-ups with the server; exit 1 when the server failed",
    )
    sync.add_argument("--account", metavar="NAME", help="the account (default: the only one)")
    sync.add_argument("--json", action="store_true", help="print the report as JSON")
    sync.add_argument(
        "--allow-mass-delete",
        action="store_true",
        help="go on even when the server's address book came back empty or many contacts "
        "would be removed (a sync stops and asks otherwise)",
    )
    sync.add_argument(
        "--conflicts",
        action="store_true",
        help="list the open sync conflicts (id, contact, field, mine, server); no sync",
    )
    sync.add_argument(
        "--keep",
        nargs=2,
        metavar=("mine|server", "ID"),
        help="resolve conflict ID: keep your value (it goes up with the next sync) or the "
        "server's; no sync",
    )


def _window_only(argv: Sequence[str]) -> tuple[bool, str | None]:
    """(True, the data folder or None) when ``argv`` only opens the window (nothing, or
    ``--data-dir DIR``): the window then starts without building every command's parser."""
    if not argv:
        return True, None
    if len(argv) == 2 and argv[0] == "--data-dir" and not argv[1].startswith("-"):
        return True, argv[1]
    if len(argv) == 1 and argv[0].startswith("--data-dir=") and len(argv[0]) > 11:
        return True, argv[0].split("=", 1)[1]
    return False, None


def main(argv: Sequence[str] | None = None) -> int:
    window, data_dir = _window_only(sys.argv[1:] if argv is None else list(argv))
    if window:
        from favorbook.ui.shell.launch import launch

        return launch(data_dir)
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "search":
        # Whatever the user types is a search, even words that look like options (-x).
        # Nothing typed (or only spaces) is a search too: it lists contacts, up to --limit.
        args.query = " ".join([*args.query, *extra])
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    data_dir = getattr(args, "data_dir", None)
    if args.smoke_test:
        if args.command is not None:
            parser.error("--smoke-test runs on its own, without a command")
        from favorbook.ui.shell.smoke import run_smoke_test

        return run_smoke_test()
    if args.command is None:
        from favorbook.ui.shell.launch import launch

        return launch(data_dir)
    from favorbook.errors import ValidationError
    from favorbook.services import passphrases
    from favorbook.services.session import describe_error

    passphrases.set_prompt(passphrases.terminal_prompt)

    try:
        code = COMMANDS[args.command](args, data_dir)
        sys.stdout.flush()  # here, where a reader gone away is caught, not at exit
        return code
    except BrokenPipeError:
        # The reader stopped reading (`favorbook search x | head -1`): nothing went wrong.
        _stop_writing_stdout()
        return EXIT_OK
    except Exception as exc:  # the user gets one line, never a traceback
        print(f"favorbook: {describe_error(exc)}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, ValidationError) else EXIT_FAIL
    finally:
        from favorbook.services import session

        session.close()
        passphrases.set_prompt(None)


def _stop_writing_stdout() -> None:
    """Point standard output at the null device, so that what is still buffered does not
    fail again when Python flushes it on the way out."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no file behind stdout (a buffer)
        import io

        sys.stdout = io.StringIO()


def _demo(args, data_dir) -> int:
    from favorbook.sample import demo
    from favorbook.services import session

    path = session.open_data(data_dir)
    if args.remove:
        n = demo.remove_sample()
        if n:
            print(f"Removed the sample network ({counted(n, 'contact')}) from {path}.")
        else:
            print(f"There is no sample network in {path}.")
        return EXIT_OK
    interactive = sys.stderr.isatty()
    # Off a terminal (a log, a pipe), a big network still says how far it got, a line
    # every tenth of the way.
    lines = not interactive and args.contacts >= 10_000
    shown = [-1]

    def progress(done: int, total: int) -> None:
        percent = 100 * done // total
        if interactive:
            print(
                f"\rBuilding the sample network… {percent:3d}%",
                end="",
                file=sys.stderr,
                flush=True,
            )
        elif lines and percent // 10 > shown[0]:
            shown[0] = percent // 10
            print(f"Building the sample network… {percent}%", file=sys.stderr, flush=True)

    try:
        n = demo.load(args.contacts, seed=args.seed, force=args.force, progress=progress)
    except demo.SampleRefused as exc:
        print(f"favorbook: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if interactive:
        print(file=sys.stderr)
    print(f"Added a sample network of {counted(n, 'contact')} to {path}.")
    return EXIT_OK


def _stats(args, data_dir) -> int:
    from favorbook.services import session, stats
    from favorbook.services.favors import format_ratio, format_target

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
            format_ratio(
                figures["give_take_ratio"], figures["favors_given"], figures["favors_received"]
            )
            + f" (target {format_target(figures['target_ratio'])})",
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
        # An organisation's own entry is named by its company already.
        company = f" — {hit.company}" if hit.company and hit.company != hit.name else ""
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


MAX_CANDIDATES = 10


def _resolve_person(text: str) -> tuple[int | None, str]:
    """A contact id for ``text`` (an id or a name), else None and why, naming candidates."""
    import difflib

    from favorbook.services import contacts

    text = text.strip()
    if text.isdigit():
        found = contacts.names([int(text)]) if int(text) < 2**63 else {}
        if found:
            return int(text), ""
        return None, f"no contact with id {text}"
    matches = contacts.find_by_name(text) if text else []
    if len(matches) == 1:
        return matches[0][0], ""
    if matches:
        listed = "; ".join(f"{name} (id {cid})" for cid, name in matches[:MAX_CANDIDATES])
        more = (
            f"; and {len(matches) - MAX_CANDIDATES} more" if len(matches) > MAX_CANDIDATES else ""
        )
        if len(matches) >= 20:
            more = "; and more"
        count = f"{len(matches)}" if len(matches) < 20 else "20 or more"
        return None, (
            f"{text!r} matches {count} contacts: {listed}{more}. Give the full name or the id."
        )
    everyone = contacts.all_names(include_archived=True)
    by_name: dict[str, list[int]] = {}
    for cid, name in everyone:
        by_name.setdefault(name, []).append(cid)
    close = difflib.get_close_matches(text, list(by_name), n=MAX_CANDIDATES, cutoff=0.6)
    hint = ""
    if close:
        hint = (
            " Did you mean: "
            + "; ".join(f"{name} (id {cid})" for name in close for cid in by_name[name][:1])
            + "?"
        )
    return None, f"no contact named {text!r}.{hint}"


def _sheet(args, data_dir) -> int:
    from favorbook.services import session

    session.open_data(data_dir)
    if args.meeting or args.ics:
        from favorbook import cli_meetings

        return cli_meetings.meeting_sheet(args)
    if not args.people:
        print("favorbook: sheet needs NAME_OR_ID or --meeting UID", file=sys.stderr)
        return EXIT_USAGE
    ids, problems = [], []
    for text in args.people:
        cid, problem = _resolve_person(text)
        if cid is None:
            problems.append(problem)
        elif cid not in ids:
            ids.append(cid)
    if problems:
        for problem in problems:
            print(f"favorbook: {problem}", file=sys.stderr)
        return EXIT_USAGE
    from favorbook.render import sheet_pdf

    sheet_pdf.ensure_application()
    pages = sheet_pdf.write_pdf(args.out, ids, include_private=args.include_private)
    private = " (with private notes)" if args.include_private else ""
    print(f"Wrote {counted(pages, 'page')}{private} to {args.out}.")
    return EXIT_OK


def _import(args, data_dir) -> int:
    """Each file is one transaction; exit 2 when a file is not a contact file at all."""
    from favorbook.errors import NotAContactFile
    from favorbook.formats import importer
    from favorbook.services import importing, session

    session.open_data(data_dir)
    reports, status = [], EXIT_OK
    for name in args.files:
        try:
            parsed = importer.read_file(name)
        except NotAContactFile as exc:
            print(f"favorbook: {exc}", file=sys.stderr)
            status = EXIT_USAGE
            continue
        report = importing.apply_import(importing.plan_import(parsed))
        reports.append(report)
        if not args.json:
            print(
                f"{report.path}: {len(report.added):,} added, {len(report.updated):,} updated, "
                f"{len(report.skipped):,} skipped"
            )
            for merged in report.merged:
                print(
                    f"  merged {merged['position']} into {merged['name']} "
                    f"(same as {merged['same_as']} in this file)"
                )
            for skip in report.skipped:
                print(f"  skipped {skip['reason']}")
            for warning in report.warnings:
                print(f"  note: {warning['message']}")
    if args.json:
        print(json.dumps([r.as_dict() for r in reports], indent=2, ensure_ascii=False))
    return status


def _export(args, data_dir) -> int:
    from favorbook.services import session

    session.open_data(data_dir)
    if args.format == "vcf":
        from favorbook.formats import vcard

        n = vcard.write_vcards(
            args.out, version=args.vcard_version, include_private=args.include_private
        )
        print(f"Wrote {counted(n, 'contact')} to {args.out} (vCard {args.vcard_version}).")
        return EXIT_OK
    if args.format == "csv":
        from favorbook.formats.csv_export import write_contacts

        n = write_contacts(args.out, include_private=args.include_private)
        private = " (with private notes)" if args.include_private else ""
        print(f"Wrote {counted(n, 'contact')}{private} to {args.out}.")
        return EXIT_OK
    from favorbook.formats.ics import write_calendar

    if args.include_private:
        # Said, not silently dropped: a calendar file carries follow-ups and dates, no notes.
        print(
            "favorbook: --include-private changes nothing in an .ics file: it holds no notes.",
            file=sys.stderr,
        )
    n = write_calendar(args.out)
    print(f"Wrote {counted(n, 'date')} to {args.out}.")
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


def _encrypt(args, data_dir) -> int:
    from favorbook import paths
    from favorbook.services import encryption, passphrases

    path = paths.database_path(data_dir)
    if not encryption.available():
        print(f"favorbook: encryption needs SQLCipher: {encryption.INSTALL_HINT}", file=sys.stderr)
        return EXIT_FAIL
    if not path.is_file():
        print(f"favorbook: there is no favorbook database at {path}.", file=sys.stderr)
        return EXIT_FAIL
    if encryption.is_encrypted(path):
        print(f"favorbook: {path} is encrypted already; nothing was changed.", file=sys.stderr)
        return EXIT_FAIL
    result = encryption.encrypt(path, passphrases.obtain(path, confirm=True))
    print(f"Encrypted {path} ({result.rows:,} rows). Keep the passphrase safe: without it")
    print("the data cannot be read by anyone, you included.")
    plain = result.unencrypted_backups
    if plain and args.remove_plain_backups:
        removed = encryption.remove_unencrypted_backups(path.parent)
        print(f"Deleted {len(removed)} unencrypted backup(s) from {path.parent / 'backups'}.")
    elif plain:
        print(
            f"Note: {len(plain)} backup(s) in {path.parent / 'backups'} are not encrypted "
            f"(the newest, {result.backup.name}, was made just now). Delete them when you no "
            "longer need them, or run again with --remove-plain-backups.",
            file=sys.stderr,
        )
    return EXIT_OK


def _decrypt(args, data_dir) -> int:
    from favorbook import paths
    from favorbook.services import encryption, passphrases

    path = paths.database_path(data_dir)
    if not encryption.available():
        print(f"favorbook: decrypting needs SQLCipher: {encryption.INSTALL_HINT}", file=sys.stderr)
        return EXIT_FAIL
    if not path.is_file():
        print(f"favorbook: there is no favorbook database at {path}.", file=sys.stderr)
        return EXIT_FAIL
    if not encryption.is_encrypted(path):
        print(f"favorbook: {path} is not encrypted; nothing was changed.", file=sys.stderr)
        return EXIT_FAIL
    result = encryption.decrypt(path, passphrases.obtain(path))
    print(f"Decrypted {path} ({result.rows:,} rows); it is a plain SQLite file again.")
    print(f"The encrypted backup made first is {result.backup}.")
    return EXIT_OK


def _read_password(prompt: str) -> str | None:
    """The sync password: None with $FAVORBOOK_SYNC_PASSWORD (it is used), else asked on a
    terminal, else one line of standard input."""
    from favorbook.sync import passwords

    if passwords.from_env() is not None:
        return None
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\r\n")


def _account(args, data_dir) -> int:
    from favorbook.errors import NotFoundError
    from favorbook.services import dates, session
    from favorbook.sync import accounts

    session.open_data(data_dir)
    if args.account_command == "add":
        password = _read_password(f"Password of {args.user} at {args.url}: ")
        if password == "":
            print("favorbook: no password given", file=sys.stderr)
            return EXIT_USAGE
        info = accounts.add_account(
            args.url,
            args.user,
            password,
            name=args.name,
            addressbook=args.addressbook,
            calendar=args.calendar,
        )
        print(f"Added account {info.name}.")
        print(f"  Contacts: {info.addressbook_url}")
        print(f"  Tasks:    {info.calendar_url or '(none: this server has no tasks calendar)'}")
        return EXIT_OK
    if args.account_command == "list":
        found = accounts.list_accounts()
        if args.json:
            rows = [
                {
                    "name": a.name,
                    "url": a.url,
                    "username": a.username,
                    "addressbook_url": a.addressbook_url,
                    "calendar_url": a.calendar_url,
                    "interval_minutes": a.interval_minutes,
                    "last_sync_at": a.last_sync_at.isoformat() if a.last_sync_at else None,
                    "last_result": a.last_result,
                }
                for a in found
            ]
            print(json.dumps(rows, indent=2, ensure_ascii=False))
        elif not found:
            print("No sync accounts. Add one with: favorbook account add URL --user USER")
        for a in [] if args.json else found:
            when = dates.local_datetime_text(a.last_sync_at) or "never"
            print(f"{a.name}\t{a.username} at {a.url}\tlast sync: {when}")
        return EXIT_OK
    try:
        accounts.remove_account(args.name)
    except NotFoundError as exc:
        print(f"favorbook: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Removed account {args.name}; your contacts stay in favorbook.")
    return EXIT_OK


def _sync(args, data_dir) -> int:
    from favorbook import cli_vault
    from favorbook.errors import NotFoundError, SyncError, SyncGuardTripped, ValidationError
    from favorbook.services import session
    from favorbook.sync import accounts, engine
    from favorbook.sync.vault import engine as vault_engine

    session.open_data(data_dir)
    if args.conflicts or args.keep:
        return _conflicts(args)
    devices_on = vault_engine.is_on()
    devices_json = {"changes_sent": 0, "changes_received": 0}

    def failed(message: str, code: int, done: engine.SyncReport | None = None) -> int:
        if args.json:
            # What was done before the failure (each batch is kept), next to the error.
            done = done or engine.SyncReport(args.account or "")
            out = {**done.as_json(), **devices_json}
            out["errors"] = [*out["errors"], message]
            print(json.dumps(out, indent=2, ensure_ascii=False))
        elif done is not None and done.summary() != "up to date":
            print(f"Before it stopped: {done.summary()}.")
        print(f"favorbook: {message}", file=sys.stderr)
        return code

    report = None
    accounts_synced = args.account or not devices_on or accounts.list_accounts()
    try:
        if accounts_synced:
            report = engine.sync_account(args.account, allow_mass_delete=args.allow_mass_delete)
        if devices_on:  # the whole database with the rep's other devices (issue 16)
            devices_json, problems = cli_vault.sync_devices(args.allow_mass_delete)
            report = report or engine.SyncReport("your devices")
            report.errors.extend(problems)
    except (NotFoundError, ValidationError) as exc:
        return failed(str(exc.message if isinstance(exc, ValidationError) else exc), EXIT_USAGE)
    except SyncGuardTripped as exc:
        return failed(f"{exc} (favorbook sync --allow-mass-delete goes on)", EXIT_FAIL, exc.report)
    except SyncError as exc:
        return failed(str(exc), EXIT_FAIL, exc.report)
    if args.json:
        print(json.dumps({**report.as_json(), **devices_json}, indent=2, ensure_ascii=False))
    else:
        if accounts_synced:
            print(f"Synced {report.account}: {report.summary()}.")
        if devices_on:
            print(
                f"Your devices: {devices_json['changes_sent']} changes sent, "
                f"{devices_json['changes_received']} received."
            )
        for problem in report.errors:
            print(f"  {problem}")
    return EXIT_OK


def _late(name: str, args, data_dir) -> int:
    from favorbook import cli_meetings

    return cli_meetings.COMMANDS[name](args, data_dir)


def _conflicts(args) -> int:
    """`favorbook sync --conflicts [--json]` and `favorbook sync --keep mine|server ID`."""
    from favorbook.errors import NotFoundError
    from favorbook.sync import conflicts

    if args.conflicts and args.keep:
        print("favorbook: --conflicts lists, --keep resolves: one at a time", file=sys.stderr)
        return EXIT_USAGE
    if args.keep:
        which, ident = args.keep
        if which not in ("mine", "server"):
            print(f"favorbook: --keep takes mine or server, not {which!r}", file=sys.stderr)
            return EXIT_USAGE
        try:
            row = conflicts.open_conflict(int(ident))
        except ValueError:
            print(f"favorbook: {ident!r} is not a conflict id (a whole number)", file=sys.stderr)
            return EXIT_USAGE
        except NotFoundError as exc:
            print(f"favorbook: {exc} See: favorbook sync --conflicts", file=sys.stderr)
            return EXIT_USAGE
        what = f"{row.field_label.lower()} for {row.contact_name or 'a removed contact'}"
        if which == "mine":
            try:
                conflicts.restore_local(row.id)
            except NotFoundError as exc:
                print(f"favorbook: {exc}", file=sys.stderr)
                return EXIT_USAGE
            print(f"Kept your {what}: {_one_line(row.local_value)}; it goes up with the next sync.")
        else:
            conflicts.dismiss(row.id)
            print(f"Kept the server's {what}: {_one_line(row.server_value)}.")
        return EXIT_OK
    if args.account is not None:
        from favorbook.sync import accounts

        try:
            accounts.the_account(args.account)
        except NotFoundError as exc:
            print(f"favorbook: {exc}", file=sys.stderr)
            return EXIT_USAGE
    rows = conflicts.list_conflicts(args.account)
    if args.json:
        out = [
            {
                "id": c.id,
                "account": c.account,
                "contact": c.contact_name,
                "contact_id": c.contact_id,
                "field": c.field,
                "mine": c.local_value,
                "server": c.server_value,
                "created_at": c.created_at.isoformat() if c.created_at else None,
            }
            for c in rows
        ]
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return EXIT_OK
    if not rows:
        print("No open sync conflicts.")
        return EXIT_OK
    print("ID\tcontact\tfield\tmine\tserver")
    for c in rows:
        mine, server = _one_line(c.local_value), _one_line(c.server_value)
        print(f"{c.id}\t{c.contact_name}\t{c.field_label}\t{mine}\t{server}")
    print("Resolve one with: favorbook sync --keep mine ID (or --keep server ID)")
    return EXIT_OK


def _one_line(text: str) -> str:
    return (
        " / ".join(part for part in str(text).replace("\t", " ").splitlines() if part) or "(none)"
    )


COMMANDS = {
    "meetings": lambda args, data_dir: _late("meetings", args, data_dir),
    "inbox": lambda args, data_dir: _late("inbox", args, data_dir),
    "account": _account,
    "sync": _sync,
    "demo": _demo,
    "stats": _stats,
    "search": _search,
    "check": _check,
    "sheet": _sheet,
    "import": _import,
    "export": _export,
    "backup": _backup,
    "restore": _restore,
    "encrypt": _encrypt,
    "decrypt": _decrypt,
    "vault": lambda args, data_dir: _vault_command(args, data_dir),
    "devices": lambda args, data_dir: _vault_command(args, data_dir),
}


def _vault_command(args, data_dir) -> int:
    from favorbook import cli_vault

    return cli_vault.COMMANDS[args.command](args, data_dir)
