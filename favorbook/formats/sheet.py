"""The contact sheet's content: what a rep reads in two minutes before a meeting.

No Qt here: ``sheet_data`` gathers one person's briefing from the services and
``sheet_html`` turns a list of them into HTML that Qt's rich text (QTextDocument)
understands, one page per person. Every piece of user text goes through
``html.escape``; the HTML names no file and no URL. The only resource it refers
to is each person's picture, ``photo_resource(contact_id)``, which the renderer
registers itself (the photo, or the person's initials drawn on a disc).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from html import escape

from favorbook.services import contacts
from favorbook.services.briefing import Limits, briefing
from favorbook.services.dates import local_date, long_date
from favorbook.services.favors import NO_FAVORS, format_target
from favorbook.services.terms import counted

# How much of each section fits on one page beside the others.
MAX_CONVERSATIONS = 3
MAX_IOUS = 3
MAX_FOLLOWUPS = 4
MAX_QUESTIONS = 5
MAX_ANSWERS = 3
MAX_NOTES = 3
MAX_NAMES = 4
MAX_CHAIN = 3
NAME_CHARS = 120
PROFILE_CHARS = 280
NOTE_CHARS = 240
LINE_CHARS = 140
ANSWER_CHARS = 140

# The sheet's words are English; so are its month names, whatever the C locale says.
ACCENT = "#1f4e79"
MUTED = "#5f6368"
WARN = "#b03a2e"
GOOD = "#2e7d32"
AMBER = "#8f5200"  # below the target with nothing owed, as the window says it (ui/style)


def photo_resource(contact_id: int) -> str:
    """The resource name under which the renderer registers a person's picture."""
    return f"favorbook-photo:{contact_id}"


def short(text: str | None, limit: int) -> str:
    """``text`` on one line (runs of white space made one space), cut at ``limit`` with …."""
    flat = " ".join((text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def day_text(day: dt.date) -> str:
    """A day as sheets show it (``dates.long_date``), never broken across lines."""
    return long_date(day).replace(" ", "\u00a0")


def initials(name: str) -> str:
    """Up to two letters for the picture of someone without a photo."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


@dataclass
class IouLine:
    description: str
    occurred_on: dt.date


@dataclass
class FollowUpLine:
    due_on: dt.date
    title: str
    overdue: bool


@dataclass
class ConversationLine:
    day: dt.date
    channel: str
    direction: str
    summary: str
    learned: list[tuple[str, str]]
    """(label, text) pairs: problems, opportunities, strategies that were noted."""


@dataclass
class AnswerLine:
    question: str
    asked_on: dt.date
    answer: str


@dataclass
class QuestionLine:
    text: str
    reason: str


@dataclass
class NoteLine:
    body: str
    private: bool
    day: dt.date | None


@dataclass
class SheetData:
    """One person's briefing, already cut to the length of one page."""

    contact_id: int
    name: str
    company: str = ""
    title: str = ""
    kind: str = "other"
    photo: bytes | None = None
    initials: str = "?"
    phone: str = ""
    email: str = ""
    tags: list[str] = field(default_factory=list)
    how_met: str = ""
    referred_chain: list[str] = field(default_factory=list)
    """Who brought them, who brought that person, ... nearest first."""
    needs: str = ""
    goals: str = ""
    offers: str = ""
    given: int = 0
    received: int = 0
    ratio_text: str = NO_FAVORS
    target: float = 4.0
    overdrawn: bool = False
    square: bool = False
    """Every favor taken was matched by one given: below the target, but no debt."""
    advice: str = ""
    """What to do about a balance below the target (``favors.Balance.advice``)."""
    owed_to_me: list[IouLine] = field(default_factory=list)
    owed_to_me_total: int = 0
    i_owe: list[IouLine] = field(default_factory=list)
    i_owe_total: int = 0
    conversation_total: int = 0
    inbound_share: float | None = None
    last_talk: dt.date | None = None
    conversations: list[ConversationLine] = field(default_factory=list)
    followups: list[FollowUpLine] = field(default_factory=list)
    followups_total: int = 0
    brought: list[str] = field(default_factory=list)
    brought_total: int = 0
    brought_won: int = 0
    recommended_to_them: list[str] = field(default_factory=list)
    recommended_them_to: list[str] = field(default_factory=list)
    vetting_status: str = "unvetted"
    vetting_label: str = ""
    trusted_for: str = ""
    revet_on: dt.date | None = None
    vetting_note: str = ""
    questions: list[QuestionLine] = field(default_factory=list)
    answers: list[AnswerLine] = field(default_factory=list)
    notes: list[NoteLine] = field(default_factory=list)
    notes_total: int = 0
    on: dt.date = field(default_factory=dt.date.today)


def _names_capped(names: list[str]) -> list[str]:
    return names[:MAX_NAMES]


def limits(include_private: bool = False) -> Limits:
    """How much of a person's briefing one page holds."""
    return Limits(
        conversations=MAX_CONVERSATIONS,
        ious=MAX_IOUS,
        followups=MAX_FOLLOWUPS,
        questions=MAX_QUESTIONS,
        answers=MAX_ANSWERS,
        answered_only=True,
        notes=MAX_NOTES,
        include_private=include_private,
        chain=MAX_CHAIN,
        photo=True,
    )


def sheet_data(
    contact_id: int, *, include_private: bool = False, on: dt.date | None = None
) -> SheetData:
    """One person's briefing as the sheet shows it; private notes only when asked for."""
    b = briefing(contact_id, limits(include_private), on=on)
    c = b.contact
    bal = b.balance
    links = b.referrals
    vet = b.vetting
    return SheetData(
        contact_id=contact_id,
        name=short(c.display_name, NAME_CHARS),
        company=short(c.organization, NAME_CHARS),
        title=short(c.title, NAME_CHARS),
        kind=c.kind,
        photo=b.photo,
        initials=initials(c.display_name),
        phone=contacts.format_phone(c.phones[0].value) if c.phones else "",
        email=short(c.emails[0].value, NAME_CHARS) if c.emails else "",
        tags=list(c.tags),
        how_met=short(c.how_met, PROFILE_CHARS),
        referred_chain=[name for _, name in b.chain],
        needs=short(c.needs, PROFILE_CHARS),
        goals=short(c.goals, PROFILE_CHARS),
        offers=short(c.offers, PROFILE_CHARS),
        given=bal.given,
        received=bal.received,
        ratio_text=bal.ratio_text(),
        target=bal.target,
        overdrawn=bal.overdrawn,
        square=bal.square,
        advice=bal.advice(),
        owed_to_me=[IouLine(short(f.description, LINE_CHARS), f.occurred_on) for f in b.owed_to_me],
        owed_to_me_total=b.owed_to_me_total,
        i_owe=[IouLine(short(f.description, LINE_CHARS), f.occurred_on) for f in b.i_owe],
        i_owe_total=b.i_owe_total,
        conversation_total=b.stats.total,
        inbound_share=b.stats.inbound_share,
        last_talk=local_date(b.stats.last_at) if b.stats.last_at else None,
        conversations=[_conversation_line(v) for v in b.conversations],
        followups=[
            FollowUpLine(f.due_on, short(f.title, LINE_CHARS), f.overdue(b.on)) for f in b.followups
        ],
        followups_total=b.followups_total,
        brought=_names_capped([r.subject for r in links.brought]),
        brought_total=len(links.brought),
        brought_won=sum(1 for r in links.brought if r.outcome == "won"),
        recommended_to_them=_names_capped([r.subject for r in links.recommended_to_them]),
        recommended_them_to=_names_capped([r.recipient for r in links.recommended_them]),
        vetting_status=vet.status,
        vetting_label=vet.status_label,
        trusted_for=short(vet.trusted_for, LINE_CHARS),
        revet_on=vet.revet_on,
        vetting_note=(
            short(vet.notes[0].body, LINE_CHARS) if vet.notes and vet.status != "unvetted" else ""
        ),
        questions=[QuestionLine(s.text, s.reason) for s in b.suggestions],
        answers=[
            AnswerLine(short(a.question, LINE_CHARS), a.asked_on, short(a.answer, ANSWER_CHARS))
            for a in b.answers
        ],
        notes=[
            NoteLine(
                short(n.body, NOTE_CHARS),
                n.private,
                local_date(n.created_at) if n.created_at else None,
            )
            for n in b.notes
        ],
        notes_total=b.notes_total,
        on=b.on,
    )


def _conversation_line(v) -> ConversationLine:
    """A conversation with what was learned: problems, opportunities, strategies."""
    learned = [
        (label, short(text, LINE_CHARS))
        for label, text in (
            ("Problem", v.problems),
            ("Opportunity", v.opportunities),
            ("Strategy", v.strategies),
        )
        if text.strip()
    ]
    return ConversationLine(
        local_date(v.occurred_at), v.channel, v.direction, short(v.summary, LINE_CHARS), learned
    )


def compact(data: SheetData, level: int) -> SheetData:
    """A shorter copy of ``data`` for a page that overflows: fewer items, shorter text.

    Level 1 keeps two of each list, level 2 one, level 3 and above only the essentials.
    The totals stay, so the page still says how many more are in favorbook.
    """
    keep = max(0, 3 - level)
    chars = {1: 110, 2: 80}.get(level, 60)
    profile = {1: 200, 2: 140}.get(level, 90)

    def cut(items: list, n: int = keep) -> list:
        return list(items[:n])

    out = replace(
        data,
        name=short(data.name, {1: 120, 2: 80}.get(level, 60)),
        company=short(data.company, chars),
        title=short(data.title, chars),
        email=short(data.email, chars),
        tags=cut(data.tags, keep + 1),
        referred_chain=[short(n, 40) for n in cut(data.referred_chain, max(1, keep))],
        brought=[short(n, 40) for n in cut(data.brought, keep + 1)],
        recommended_to_them=[short(n, 40) for n in cut(data.recommended_to_them, keep + 1)],
        recommended_them_to=[short(n, 40) for n in cut(data.recommended_them_to, keep + 1)],
        how_met=short(data.how_met, profile),
        needs=short(data.needs, profile),
        goals=short(data.goals, profile),
        offers=short(data.offers, profile),
        trusted_for=short(data.trusted_for, chars),
        vetting_note="" if level >= 2 else short(data.vetting_note, chars),
        owed_to_me=[
            replace(i, description=short(i.description, chars)) for i in cut(data.owed_to_me)
        ],
        i_owe=[replace(i, description=short(i.description, chars)) for i in cut(data.i_owe)],
        followups=[replace(f, title=short(f.title, chars)) for f in cut(data.followups, keep + 1)],
        conversations=[
            replace(
                c,
                summary=short(c.summary, chars),
                learned=[(k, short(v, chars)) for k, v in c.learned][: max(1, keep)],
            )
            for c in cut(data.conversations, keep + 1)
        ],
        questions=[
            replace(q, text=short(q.text, chars), reason="" if level >= 2 else q.reason)
            for q in cut(data.questions, 5 - level)
        ],
        answers=[
            replace(a, question=short(a.question, chars), answer=short(a.answer, chars))
            for a in cut(data.answers)
        ],
        notes=[replace(n, body=short(n.body, chars)) for n in cut(data.notes)],
    )
    return out


# --- HTML ---------------------------------------------------------------------------------

STYLE = f"""
body {{ color: #202124; }}
h1 {{ font-size: 19pt; font-weight: 600; color: {ACCENT}; margin: 0; }}
p {{ margin-top: 0; margin-bottom: 3px; }}
.role {{ font-size: 11pt; margin-bottom: 2px; }}
.muted {{ color: {MUTED}; }}
.small {{ font-size: 8pt; }}
.h {{ font-size: 8pt; font-weight: bold; color: {ACCENT}; margin-top: 9px; margin-bottom: 2px; }}
.warn {{ color: {WARN}; font-weight: bold; }}
.good {{ color: {GOOD}; }}
.amber {{ color: {AMBER}; font-weight: bold; }}
.big {{ font-size: 15pt; font-weight: bold; }}
ul, ol {{ margin-top: 0; margin-bottom: 2px; }}
li {{ margin-bottom: 2px; }}
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def _h(title: str) -> str:
    return f'<p class="h">{_e(title.upper())}</p>'


def _p(text: str, cls: str = "") -> str:
    if not text:
        return ""
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{_e(text)}</p>"


def _more(shown: int, total: int) -> str:
    rest = total - shown
    return f'<li class="muted">+{rest} more in favorbook</li>' if rest > 0 else ""


def _ago(day: dt.date, on: dt.date) -> str:
    days = (on - day).days
    if days < 1:
        return "today"
    if days < 14:
        return f"{counted(days, 'day')} ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


def _header(d: SheetData) -> str:
    role = " · ".join(p for p in (d.title, d.company) if p)
    reach = " · ".join(p for p in (d.phone, d.email) if p)
    facts = [d.kind.capitalize()]
    if d.tags:
        facts.append(", ".join(d.tags[:6]))
    picture = (
        f'<img src="{_e(photo_resource(d.contact_id))}" width="64" height="64" '
        f'alt="{_e(d.initials)}">'
    )
    if d.last_talk:
        glance = [
            '<p align="right" style="white-space: nowrap;">'
            f"<b>Last talked {_e(day_text(d.last_talk))}</b></p>",
            f'<p class="muted" align="right">{_e(_ago(d.last_talk, d.on))}</p>',
        ]
    else:
        glance = ['<p class="muted" align="right">No conversations yet</p>']
    return (
        '<table width="100%" cellspacing="0" cellpadding="0"><tr>'
        f'<td width="76" valign="top">{picture}</td>'
        '<td valign="top">'
        f"<h1>{_e(d.name)}</h1>"
        + (f'<p class="role">{_e(role)}</p>' if role else "")
        + f'<p class="muted">{_e(" · ".join(facts))}</p>'
        + (f'<p class="muted">{_e(reach)}</p>' if reach else "")
        + "</td>"
        f'<td width="22%" valign="top">{"".join(glance)}</td></tr></table>'
        f'<hr style="color: {ACCENT};">'
    )


def _profile(d: SheetData) -> str:
    out = []
    met = []
    if d.how_met:
        met.append(_e(d.how_met))
    if d.referred_chain:
        line = f"Referred by <b>{_e(d.referred_chain[0])}</b>"
        if len(d.referred_chain) > 1:
            line += f" (who came through {_e(' ← '.join(d.referred_chain[1:]))})"
        met.append(line)
    if met:
        out.append(_h("How we met") + f"<p>{'<br>'.join(met)}</p>")
    for title, text in (
        ("Their needs", d.needs),
        ("Their goals", d.goals),
        ("What they offer", d.offers),
    ):
        if text:
            out.append(_h(title) + _p(text))
    if not (d.needs or d.goals):
        out.append(_h("Their needs and goals") + _p("Not known yet: ask.", "muted"))

    links = []
    if d.brought_total:
        won = f", {d.brought_won} won" if d.brought_won else ""
        extra = (
            f" and {d.brought_total - len(d.brought)} more"
            if d.brought_total > len(d.brought)
            else ""
        )
        links.append(f"Brought us {d.brought_total}{won}: {_e(', '.join(d.brought))}{_e(extra)}")
    if d.recommended_to_them:
        links.append(f"We recommended to them: {_e(', '.join(d.recommended_to_them))}")
    if d.recommended_them_to:
        links.append(f"We recommended them to: {_e(', '.join(d.recommended_them_to))}")
    if links:
        out.append(_h("Referrals") + "<p>" + "<br>".join(links) + "</p>")

    if d.vetting_status != "unvetted":
        cls = {"trusted": "good", "not_recommended": "warn"}.get(d.vetting_status, "")
        line = f'<span class="{cls}"><b>{_e(d.vetting_label)}</b></span>'
        if d.trusted_for:
            line += f" for {_e(d.trusted_for)}"
        if d.revet_on:
            due = ' <span class="warn">due</span>' if d.revet_on <= d.on else ""
            line += f" · re\u2011vet\u00a0{_e(day_text(d.revet_on))}{due}"
        if d.vetting_note:
            line += f'<br><span class="muted">{_e(d.vetting_note)}</span>'
        out.append(_h("Vetting") + f"<p>{line}</p>")

    if d.notes:
        items = "".join(
            "<li>"
            + ("<b>Private:</b> " if n.private else "")
            + _e(n.body)
            + (f' <span class="muted">({_e(day_text(n.day))})</span>' if n.day else "")
            + "</li>"
            for n in d.notes
        )
        out.append(_h("Notes") + f"<ul>{items}{_more(len(d.notes), d.notes_total)}</ul>")
    return "".join(out)


def _meeting(d: SheetData) -> str:
    out = []
    if d.overdrawn:
        verdict = f'<span class="{"amber" if d.square else "warn"}">{_e(d.advice)}</span>'
    elif d.given or d.received:
        verdict = '<span class="good">In good standing</span>'
    else:
        verdict = '<span class="muted">No favors yet: a chance to give first</span>'
    out.append(
        _h("Favor balance")
        + (
            f'<p><span class="muted">give:take</span> <span class="big">{_e(d.ratio_text)}</span> '
            f'<span class="muted">(target {format_target(d.target)})</span><br>'
            f"{d.given} given, {d.received} received · {verdict}</p>"
            if d.given or d.received
            else f"<p>{verdict}</p>"
        )
    )
    for title, lines, total in (
        ("They owe me", d.owed_to_me, d.owed_to_me_total),
        ("I owe them", d.i_owe, d.i_owe_total),
    ):
        if lines:
            items = "".join(
                f'<li>{_e(i.description)} <span class="muted">({_e(day_text(i.occurred_on))})'
                "</span></li>"
                for i in lines
            )
            out.append(f"<p><b>{_e(title)}</b></p><ul>{items}{_more(len(lines), total)}</ul>")

    if d.followups:
        items = "".join(
            f"<li><b>{_e(day_text(f.due_on))}</b> {_e(f.title)}"
            + (' <span class="warn">overdue</span>' if f.overdue else "")
            + "</li>"
            for f in d.followups
        )
        out.append(
            _h("Open follow-ups") + f"<ul>{items}{_more(len(d.followups), d.followups_total)}</ul>"
        )

    if d.questions:
        items = "".join(
            f"<li>{_e(q.text)}"
            + (f'<br><span class="muted small">{_e(q.reason)}</span>' if q.reason else "")
            + "</li>"
            for q in d.questions
        )
        out.append(_h("Ask this time") + f"<ol>{items}</ol>")

    if d.answers:
        items = "".join(
            f"<li>{_e(a.question)}<br>“{_e(a.answer)}” "
            f'<span class="muted">({_e(day_text(a.asked_on))})</span></li>'
            for a in d.answers
        )
        out.append(_h("What they told us") + f"<ul>{items}</ul>")
    return "".join(out)


def _conversations(d: SheetData) -> str:
    if not d.conversations:
        return _h("Last conversations") + _p("None logged yet.", "muted")
    title = "Last conversations"
    if d.conversation_total > len(d.conversations):
        title += f" · {d.conversation_total} in all"
    if d.inbound_share is not None:
        title += f" · {round(d.inbound_share * 100)}% started by them"
    rows = []
    # As wide as the longest day of the year in the sheet's long format ("September 28,
    # 2026"), so no day is broken across lines inside its year.
    width = max(112, 9 * max(len(day_text(dt.date(2026, m, 28))) for m in range(1, 13)))
    for v in d.conversations:
        how = f"{v.channel}, {v.direction.replace('_', ' ')}"
        learned = "".join(
            f'<br><span class="muted">{_e(label)}:</span> {_e(text)}' for label, text in v.learned
        )
        rows.append(
            "<tr>"
            f'<td width="{width}" valign="top"><b>{_e(day_text(v.day))}</b><br>'
            f'<span class="muted small">{_e(_ago(v.day, d.on))}<br>{_e(how)}</span></td>'
            f'<td valign="top">{_e(v.summary)}{learned}</td>'
            "</tr>"
        )
    return (
        _h(title)
        + '<table width="100%" cellspacing="0" cellpadding="3">'
        + "".join(rows)
        + "</table>"
    )


def person_html(d: SheetData) -> str:
    """One person's page (without the page break that separates it from the one before)."""
    return (
        _header(d)
        + '<table width="100%" cellspacing="0" cellpadding="0"><tr>'
        + f'<td width="50%" valign="top" style="padding-right: 14px;">{_profile(d)}</td>'
        + f'<td width="50%" valign="top" style="padding-left: 14px;">{_meeting(d)}</td>'
        + "</tr></table>"
        + _conversations(d)
    )


def sheet_html(data_list: list[SheetData]) -> str:
    """The whole sheet: one page per person, each starting on a new page."""
    pages = []
    for i, d in enumerate(data_list):
        style = ' style="page-break-before: always;"' if i else ""
        pages.append(f"<div{style}>{person_html(d)}</div>")
    return (
        "<html><head><meta charset='utf-8'>"
        f"<style>{STYLE}</style></head><body>" + "".join(pages) + "</body></html>"
    )
