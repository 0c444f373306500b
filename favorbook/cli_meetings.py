"""``favorbook meetings``, ``favorbook sheet --meeting UID`` and ``favorbook inbox``.

Kept beside cli.py (which registers them) so the calendar commands live together.
Exit codes as in cli.py: 0 done, 2 bad input (a file that is not iCalendar, an
unknown UID), 1 anything else.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

from favorbook.cli_args import EXIT_OK, EXIT_USAGE, whole_number
from favorbook.services.terms import counted

MAX_PROBLEMS_SHOWN = 20


def add_parsers(sub, common) -> None:
    meetings = sub.add_parser(
        "meetings",
        parents=[common],
        help="upcoming meetings from your calendars, attendees matched to contacts",
        description="Today's and the next days' meetings (events with attendees) from the "
        "calendars picked for the sync account (fetched first), or from FILE alone with "
        "--ics. Each attendee is matched to a contact by email, then by name.",
    )
    meetings.add_argument(
        "--days",
        type=whole_number(0, 366),
        default=7,
        metavar="N",
        help="today and the next N days (default 7)",
    )
    meetings.add_argument(
        "--ics", metavar="FILE", help="read this .ics file (or http/webcal address) alone"
    )
    meetings.add_argument("--json", action="store_true", help="print JSON")

    inbox = sub.add_parser(
        "inbox",
        parents=[common],
        help="captures from your phone waiting in the favorbook inbox list, with suggestions",
    )
    inbox.add_argument("--json", action="store_true", help="print JSON")


def _problems(problems: list[str]) -> None:
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        print(f"favorbook: note: {problem}", file=sys.stderr)
    if len(problems) > MAX_PROBLEMS_SHOWN:
        print(
            f"favorbook: note: and {len(problems) - MAX_PROBLEMS_SHOWN} more events left out",
            file=sys.stderr,
        )


def _load(args, *, on: dt.date | None = None, days: int):
    """(meetings, problems, exit code or None) from --ics or the account's calendars."""
    from favorbook.errors import SyncError
    from favorbook.formats import meetings as ics
    from favorbook.sync import calendars

    problems: list[str] = []
    source = None
    if args.ics:
        try:
            source = [(ics.load_source(args.ics), args.ics)]
        except OSError as exc:
            print(f"favorbook: cannot read {args.ics}: {exc.strerror or exc}", file=sys.stderr)
            return None, None, EXIT_USAGE
    elif calendars.has_meeting_calendars():
        problems += calendars.refresh_ics_sources(addresses=True)
        for name in calendars.accounts_with_calendars():
            try:
                calendars.fetch_meetings(name)
            except SyncError as exc:
                problems.append(f"{exc} (showing the meetings fetched before)")
    else:
        problems.append(
            "no calendars are picked for meetings; pick them on the Meetings page, "
            "or give --ics FILE"
        )
    found, more = calendars.upcoming(days, calendars=source, on=on)
    return found, problems + more, None


def _when(m) -> str:
    if m.all_day:
        return f"{m.start:%Y-%m-%d} (all day)"
    start, end = m.start.astimezone(), m.end.astimezone()
    same = start.date() == end.date()
    return (
        f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
        if same
        else f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"
    )


def _meetings(args, data_dir) -> int:
    from favorbook.services import contacts, session

    session.open_data(data_dir)
    found, problems, code = _load(args, days=args.days)
    if code is not None:
        return code
    _problems(problems)
    if args.json:
        print(json.dumps([u.as_json() for u in found], indent=2, ensure_ascii=False))
        return EXIT_OK
    if not found:
        print("No meetings with attendees in the days looked at.", file=sys.stderr)
    names = contacts.names(sorted({c for u in found for c in u.matched}))
    for u in found:
        m = u.meeting
        logged = "  [logged]" if u.logged_ids else ""
        print(f"{_when(m)}  {m.title}  (UID {m.uid or '-'}){logged}")
        for person, cid in zip(m.attendees, u.contact_ids, strict=True):
            who = f"contact {cid}: {names.get(cid, '?')}" if cid else "not a contact"
            print(f"    {person.label}  → {who}")
    return EXIT_OK


def meeting_sheet(args) -> int:
    """``favorbook sheet --meeting UID [--ics FILE] --out FILE.pdf`` (database open)."""
    from favorbook.errors import NotFoundError
    from favorbook.sync import calendars

    if not args.meeting:
        print("favorbook: --ics goes with --meeting UID", file=sys.stderr)
        return EXIT_USAGE
    if args.people:
        print("favorbook: give either names or --meeting, not both", file=sys.stderr)
        return EXIT_USAGE
    back = calendars.FETCH_BEHIND_DAYS
    on = dt.date.today() - dt.timedelta(days=back)
    found, problems, code = _load(args, on=on, days=back + calendars.FETCH_AHEAD_DAYS)
    if code is not None:
        return code
    try:
        chosen = calendars.find(found, args.meeting)
    except NotFoundError as exc:
        _problems(problems)
        print(f"favorbook: {exc}", file=sys.stderr)
        return EXIT_USAGE
    ids = chosen.matched
    if not ids:
        print(
            f"favorbook: no attendee of “{chosen.meeting.title}” is a contact yet; add them "
            "on the Meetings page first",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from favorbook.render import sheet_pdf

    sheet_pdf.ensure_application()
    occasion = f"{chosen.meeting.title}, {_when(chosen.meeting)}"
    pages = sheet_pdf.write_pdf(
        args.out, ids, include_private=args.include_private, occasion=occasion
    )
    left = len([c for c in chosen.contact_ids if c is None])
    unmatched = ""
    if left:
        verb = "is not a contact" if left == 1 else "are not contacts"
        unmatched = f"; {counted(left, 'attendee')} {verb}"
    print(
        f"Wrote {counted(pages, 'page')} for {counted(len(ids), 'attendee')} of "
        f"“{chosen.meeting.title}” to {args.out}{unmatched}."
    )
    return EXIT_OK


def _inbox(args, data_dir) -> int:
    from favorbook.services import session
    from favorbook.sync import inbox

    session.open_data(data_dir)
    waiting = inbox.waiting()
    if args.json:
        print(json.dumps([c.as_json() for c in waiting], indent=2, ensure_ascii=False))
        return EXIT_OK
    if not waiting:
        print("The inbox is empty.", file=sys.stderr)
    for c in waiting:
        print(f"{c.when_text}  {c.text}")
        print(f"    → {c.suggestion.describe()}")
    return EXIT_OK


COMMANDS = {"meetings": _meetings, "inbox": _inbox}
