"""A contact at a glance: favor balance, open IOUs, conversations, follow-ups, vetting."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication

from favorbook.services import favors
from favorbook.services.briefing import Briefing
from favorbook.services.dates import local_day_text, short_date
from favorbook.ui.shell.style import amber_text, green_text, warning_red


def balance_advice(bal: favors.Balance) -> str:
    """What to do about a balance below the target, as rich text: give first.

    Given at least as much as taken (as after an IOU repaid one for one) is no debt,
    only not yet the trust the target asks for: said in amber. Taken more than given
    is overdrawn: said in red.
    """
    color = amber_text() if bal.square else warning_red()
    return f"<b style='color:{color}'>{escape(bal.advice())}</b>"


def tr(text: str) -> str:
    return QCoreApplication.translate("ContactDetail", text)


def glance_html(b: Briefing) -> str:
    """Where things stand with a contact: balance, IOUs, talks, follow-ups, vetting (escaped)."""
    return "".join((_balance_html(b), _talks_html(b), _followups_html(b), _vetting_html(b.vetting)))


def _balance_html(b: Briefing) -> str:
    bal = b.balance
    verdict = ""
    if bal.overdrawn:
        verdict = " " + balance_advice(bal)
    elif bal.given or bal.received:
        verdict = f" <span style='color:{green_text()}'>{escape(tr('In good standing'))}</span>"
    html = (
        f"<h3>{escape(tr('Favor balance'))}</h3>"
        f"<p>{escape(tr('give:take'))} <span style='font-size:large'>"
        f"<b>{escape(bal.ratio_text())}</b></span>"
        f" ({escape(tr('target'))} {escape(favors.format_target(bal.target))}){verdict}<br>"
        f"{bal.given} {escape(tr('given'))}, {bal.received} {escape(tr('received'))}; "
        f"{escape(tr('open IOUs'))}: {bal.open_owed_to_me} {escape(tr('owed to me'))}, "
        f"{bal.open_i_owe} {escape(tr('I owe'))}</p>"
    )
    ious = b.open_ious
    if ious:
        items = "".join(
            f"<li>{escape(tr('They owe me') if f.direction == 'given' else tr('I owe them'))}: "
            f"{escape(f.description)} ({short_date(f.occurred_on)})</li>"
            for f in ious[:5]
        )
        html += f"<ul>{items}</ul>"
    return html


def _talks_html(b: Briefing) -> str:
    stats = b.stats
    talk = [
        escape(tr("1 conversation"))
        if stats.total == 1
        else f"{stats.total} {escape(tr('conversations'))}"
    ]
    if stats.inbound_share is not None:
        talk.append(f"{round(stats.inbound_share * 100)}% {escape(tr('started by them'))}")
    if stats.last_at:
        talk.append(f"{escape(tr('last'))} {local_day_text(stats.last_at)}")
    due = b.contact.touch_due_on
    if b.touch_due():
        talk.append(
            f"<b style='color:{warning_red()}'>{escape(tr('due for a touch since'))} "
            f"{short_date(due)}</b>"
        )
    elif due:
        talk.append(f"{escape(tr('next touch due'))} {short_date(due)}")
    html = f"<h3>{escape(tr('Conversations'))}</h3><p>{', '.join(talk)}</p>"
    if b.conversations:
        items = "".join(
            f"<li>{local_day_text(v.occurred_at)} · {escape(tr(v.channel))} "
            f"({escape(tr(v.direction.replace('_', ' ')))}): {escape(v.summary)}</li>"
            for v in b.conversations
        )
        html += f"<ul>{items}</ul>"
    return html


def _followups_html(b: Briefing) -> str:
    if not b.followups:
        return ""
    late = f" <b style='color:{warning_red()}'>{escape(tr('overdue'))}</b>"
    items = "".join(
        f"<li>{short_date(f.due_on)}: {escape(f.title)}{late if f.overdue(b.on) else ''}</li>"
        for f in b.followups
    )
    return f"<h3>{escape(tr('Open follow-ups'))}</h3><ul>{items}</ul>"


def _vetting_html(vet) -> str:
    line = escape(tr(vet.status_label))
    if vet.trusted_for:
        line += f" — {escape(tr('trusted for'))} {escape(vet.trusted_for)}"
    if vet.revet_on:
        line += f"; {escape(tr('re-vet'))} {short_date(vet.revet_on)}"
    return f"<h3>{escape(tr('Vetting'))}</h3><p>{line}</p>"
