"""A contact at a glance: favor balance, open IOUs, conversations, follow-ups, vetting."""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import QCoreApplication

from favorbook.services import contacts, conversations, favors, followups, vetting
from favorbook.services.dates import local_day_text, short_date
from favorbook.ui.style import amber_text, green_text, warning_red


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


def glance_html(contact_id: int, detail: contacts.ContactDetail | None = None) -> str:
    """Where things stand with a contact: balance, IOUs, talks, follow-ups, vetting (escaped).

    ``detail`` is the contact's profile when the caller has it already (saves reading it).
    """
    c = (
        detail
        if detail is not None and detail.id == contact_id
        else contacts.get_contact(contact_id)
    )
    bal = favors.balance(contact_id)
    stats = conversations.interaction_stats(contact_id)
    vet = vetting.get(contact_id)
    parts: list[str] = []

    ratio = bal.ratio_text()
    target = favors.format_target(bal.target)
    verdict = ""
    if bal.overdrawn:
        verdict = " " + balance_advice(bal)
    elif bal.given or bal.received:
        verdict = f" <span style='color:{green_text()}'>{escape(tr('In good standing'))}</span>"
    parts.append(
        f"<h3>{escape(tr('Favor balance'))}</h3>"
        f"<p>{escape(tr('give:take'))} <span style='font-size:large'><b>{escape(ratio)}</b></span>"
        f" ({escape(tr('target'))} {escape(target)}){verdict}<br>"
        f"{bal.given} {escape(tr('given'))}, {bal.received} {escape(tr('received'))}; "
        f"{escape(tr('open IOUs'))}: {bal.open_owed_to_me} {escape(tr('owed to me'))}, "
        f"{bal.open_i_owe} {escape(tr('I owe'))}</p>"
    )
    ious = favors.open_ious(contact_id=contact_id)
    if ious:
        items = "".join(
            f"<li>{escape(tr('They owe me') if f.direction == 'given' else tr('I owe them'))}: "
            f"{escape(f.description)} ({short_date(f.occurred_on)})</li>"
            for f in ious[:5]
        )
        parts.append(f"<ul>{items}</ul>")

    talk = [
        escape(tr("1 conversation"))
        if stats.total == 1
        else f"{stats.total} {escape(tr('conversations'))}"
    ]
    if stats.inbound_share is not None:
        talk.append(f"{round(stats.inbound_share * 100)}% {escape(tr('started by them'))}")
    if stats.last_at:
        talk.append(f"{escape(tr('last'))} {local_day_text(stats.last_at)}")
    if c.touch_due_on and c.touch_due_on <= dt.date.today():
        talk.append(
            f"<b style='color:{warning_red()}'>{escape(tr('due for a touch since'))} "
            f"{short_date(c.touch_due_on)}</b>"
        )
    elif c.touch_due_on:
        talk.append(f"{escape(tr('next touch due'))} {short_date(c.touch_due_on)}")
    parts.append(f"<h3>{escape(tr('Conversations'))}</h3><p>{', '.join(talk)}</p>")
    recent = conversations.list_conversations(contact_id, limit=3)
    if recent:
        items = "".join(
            f"<li>{local_day_text(v.occurred_at)} · {escape(tr(v.channel))} "
            f"({escape(tr(v.direction.replace('_', ' ')))}): {escape(v.summary)}</li>"
            for v in recent
        )
        parts.append(f"<ul>{items}</ul>")
    open_fu = followups.open_followups(contact_id=contact_id)
    if open_fu:
        items = "".join(
            f"<li>{short_date(f.due_on)}: {escape(f.title)}"
            + (
                f" <b style='color:{warning_red()}'>{escape(tr('overdue'))}</b>"
                if f.overdue()
                else ""
            )
            + "</li>"
            for f in open_fu
        )
        parts.append(f"<h3>{escape(tr('Open follow-ups'))}</h3><ul>{items}</ul>")
    vet_line = escape(tr(vet.status_label))
    if vet.trusted_for:
        vet_line += f" — {escape(tr('trusted for'))} {escape(vet.trusted_for)}"
    if vet.revet_on:
        vet_line += f"; {escape(tr('re-vet'))} {short_date(vet.revet_on)}"
    parts.append(f"<h3>{escape(tr('Vetting'))}</h3><p>{vet_line}</p>")
    return "".join(parts)
