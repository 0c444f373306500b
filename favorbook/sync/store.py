"""The one module through which ``sync/`` reaches the database.

Every query of the sync is here: its own tables (accounts, collections and their items,
conflicts, the meetings calendars and their events, the inbox's captures) and what it
reads of favorbook's records to send them (the contacts without a card yet, their
photos, the follow-ups and stay-in-touch days as tasks). Favorbook's records are written
through ``services`` (contacts, follow-ups, conversations); here only what those have no
call for: a card's UID and verbatim lines on its contact, a task's UID, done time and
title on its follow-up.

A sync item (``sync_item``) is what was last synced of one card or task: its address
(href), its ETag, the text as the base of the three-way merge, whether it changed here
since (``dirty``, set by the triggers of migration 0003) or was deleted here
(``deleted``: a tombstone until the server's copy is deleted).
"""

from __future__ import annotations

import datetime as dt
import json

from peewee import JOIN

from favorbook.db.models import (
    AccountCalendar,
    CalendarEvent,
    Contact,
    ContactPhoto,
    FollowUp,
    InboxCapture,
    Organization,
    Setting,
    SyncAccount,
    SyncCollection,
    SyncConflict,
    SyncItem,
    db,
)

__all__ = ["AccountCalendar", "InboxCapture", "SyncAccount", "SyncCollection", "SyncItem"]


def atomic():
    """One transaction (nested ones are savepoints)."""
    return db.atomic()


# --- accounts --------------------------------------------------------------------------


def account_named(name: str) -> SyncAccount | None:
    return SyncAccount.get_or_none(SyncAccount.name == name)


def accounts() -> list[SyncAccount]:
    return list(SyncAccount.select().order_by(SyncAccount.name))


def create_account(collections: dict[str, str | None], **values) -> SyncAccount:
    """A new account with its collections ({kind: url}, those with a url)."""
    with db.atomic():
        row = SyncAccount.create(**values)
        for kind, url in collections.items():
            if url:
                SyncCollection.create(account=row.id, kind=kind, url=url)
    return row


def remove_account(row: SyncAccount) -> None:
    with db.atomic():
        row.delete_instance()  # collections, items, conflicts and calendars cascade


VAULT_ACCOUNT_SETTING = "vault_account"
"""The setting naming the account the sync between the rep's devices goes through
(``sync/vault/transport.py``): {"account": name, "url": its collection}."""


def unbind_vault_account(name: str) -> None:
    """The sync between devices no longer goes through account ``name`` (it is removed)."""
    db.execute_sql(
        "DELETE FROM setting WHERE key = ? AND json_extract(value, '$.account') = ?",
        (VAULT_ACCOUNT_SETTING, name),
    )


def update_account(row: SyncAccount, **values) -> None:
    """Set ``values`` on the account (and on ``row``)."""
    for name, value in values.items():
        setattr(row, name, value)
    SyncAccount.update(**values).where(SyncAccount.id == row.id).execute()


# --- collections -----------------------------------------------------------------------


def collection(account: SyncAccount, kind: str) -> SyncCollection | None:
    return SyncCollection.get_or_none(
        (SyncCollection.account == account.id) & (SyncCollection.kind == kind)
    )


def collection_at(account: SyncAccount, kind: str, url: str) -> SyncCollection:
    """The account's collection of ``kind``, at ``url``: made when missing, started over
    (its items forgotten) when another collection was picked."""
    coll, _ = SyncCollection.get_or_create(account=account.id, kind=kind, defaults={"url": url})
    if coll.url != url:
        SyncItem.delete().where(SyncItem.collection == coll.id).execute()
        coll.url = url
        coll.sync_token = None
        coll.save()
    return coll


def set_token(coll: SyncCollection, token: str | None) -> None:
    SyncCollection.update(sync_token=token).where(SyncCollection.id == coll.id).execute()


def _props_key(coll: SyncCollection) -> str:
    return f"sync_props_to_restore:{coll.id}"


def props_to_restore(coll: SyncCollection) -> str | None:
    """The properties (name, color, ...) the collection had before favorbook replaced it
    whole and that the server has not confirmed taking back yet (XML), or None."""
    row = Setting.get_or_none(Setting.key == _props_key(coll))
    return None if row is None else row.value


def set_props_to_restore(coll: SyncCollection, props: str | None) -> None:
    """Remember (None: forget) the properties to write back after a whole-collection upload.
    A local setting of this computer's (it does not travel between the rep's devices)."""
    if props is None:
        Setting.delete().where(Setting.key == _props_key(coll)).execute()
    else:
        Setting.insert(key=_props_key(coll), value=props).on_conflict_replace().execute()


# --- items -----------------------------------------------------------------------------


def _in(coll: SyncCollection):
    return SyncItem.collection == coll.id


def items(coll: SyncCollection) -> list[SyncItem]:
    return list(SyncItem.select().where(_in(coll)))


def item(item_id: int) -> SyncItem:
    return SyncItem.get_by_id(item_id)


def item_with_uid(coll: SyncCollection, uid: str) -> SyncItem | None:
    return SyncItem.get_or_none(_in(coll) & (SyncItem.uid == uid))


def uid_taken(coll: SyncCollection, uid: str) -> bool:
    return SyncItem.select().where(_in(coll) & (SyncItem.uid == uid)).exists()


def contact_linked(coll: SyncCollection, contact_id: int) -> bool:
    return SyncItem.select().where(_in(coll) & (SyncItem.contact == contact_id)).exists()


def etags(coll: SyncCollection) -> dict[str, str | None]:
    """{href: etag} of the collection's items that have an address."""
    query = SyncItem.select(SyncItem.href, SyncItem.etag).where(
        _in(coll) & SyncItem.href.is_null(False)
    )
    return {href: etag for href, etag in query.tuples()}


def unconfirmed_deletes(coll: SyncCollection) -> list[SyncItem]:
    """Items deleted here whose upload the server never confirmed (no ETag, no base)."""
    return list(
        SyncItem.select().where(
            _in(coll)
            & (SyncItem.deleted == True)  # noqa: E712
            & SyncItem.href.is_null(False)
            & SyncItem.etag.is_null()
            & (SyncItem.base_text == "")
        )
    )


def set_etag(item: SyncItem, etag: str) -> None:
    item.etag = etag
    item.save(only=[SyncItem.etag])


def confirm(item: SyncItem, etag: str | None, text: str) -> None:
    """The server took ``text`` for ``item``: the new base, clean."""
    SyncItem.update(etag=etag, base_text=text, dirty=False).where(SyncItem.id == item.id).execute()
    item.etag, item.base_text, item.dirty = etag, text, False


def mark_clean(item_ids: list[int]) -> None:
    if item_ids:
        SyncItem.update(dirty=False).where(SyncItem.id.in_(item_ids)).execute()


def drop(item: SyncItem) -> None:
    if item.id is not None:
        item.delete_instance()


# --- cards ------------------------------------------------------------------------------


def relink_contacts(coll: SyncCollection) -> None:
    """Items whose contact came back (undo of a delete) point at it again."""
    with db.atomic():
        db.execute_sql(
            "UPDATE sync_item SET deleted = 0, contact_id = "
            "(SELECT c.id FROM contact c WHERE c.uid = sync_item.uid) "
            "WHERE collection_id = ? AND contact_id IS NULL AND followup_id IS NULL "
            "AND EXISTS (SELECT 1 FROM contact c WHERE c.uid = sync_item.uid) "
            "AND NOT EXISTS (SELECT 1 FROM sync_item o JOIN contact c ON c.id = o.contact_id "
            "WHERE o.collection_id = sync_item.collection_id AND c.uid = sync_item.uid)",
            (coll.id,),
        )
        SyncItem.update(deleted=False).where(
            _in(coll) & SyncItem.contact.is_null(False) & (SyncItem.deleted == True)  # noqa: E712
        ).execute()


def contact_with_uid(uid: str) -> Contact | None:
    return Contact.get_or_none(Contact.uid == uid)


def photos(contact_ids: list[int]) -> dict[int, tuple[bytes, str]]:
    """{contact id: (photo bytes, mime type)} of those of ``contact_ids`` with a photo."""
    query = ContactPhoto.select().where(ContactPhoto.contact.in_(contact_ids))
    return {p.contact_id: (bytes(p.data), p.mime) for p in query}


def update_contact(contact_id: int, **values) -> None:
    """Set what the contact services have no call for: a card's UID on a new contact."""
    Contact.update(**values).where(Contact.id == contact_id).execute()


def set_vcard_extra(contact_id: int, extra: str) -> None:
    """The card's lines favorbook keeps verbatim (only written when they changed)."""
    Contact.update(vcard_extra=extra).where(
        (Contact.id == contact_id) & (Contact.vcard_extra != extra)
    ).execute()


def contacts_without_item(coll: SyncCollection) -> list[tuple[int, str]]:
    """(id, uid) of every active contact with no item in ``coll``."""
    linked = SyncItem.select(SyncItem.contact).where(_in(coll) & SyncItem.contact.is_null(False))
    return list(
        Contact.select(Contact.id, Contact.uid)
        .where(Contact.archived_at.is_null() & Contact.id.not_in(linked))
        .tuples()
    )


def queue_cards(coll: SyncCollection, rows: list[tuple[int, str, str]]) -> None:
    """New items, dirty and unconfirmed, for (contact id, uid, href) whose uid is free."""
    taken = {uid for (uid,) in SyncItem.select(SyncItem.uid).where(_in(coll)).tuples()}
    values = [
        {"collection": coll.id, "uid": uid, "href": href, "contact": cid, "dirty": True}
        for cid, uid, href in rows
        if uid not in taken
    ]
    with db.atomic():
        for start in range(0, len(values), 500):
            SyncItem.insert_many(values[start : start + 500]).execute()


def dirty_cards(coll: SyncCollection) -> list[SyncItem]:
    return list(
        SyncItem.select().where(
            _in(coll) & (SyncItem.dirty == True) & SyncItem.contact.is_null(False)  # noqa: E712
        )
    )


def card_tombstones(coll: SyncCollection) -> list[SyncItem]:
    """Items of contacts deleted here."""
    return list(
        SyncItem.select().where(
            _in(coll)
            & SyncItem.contact.is_null()
            & SyncItem.followup.is_null()
            & (SyncItem.deleted == True)  # noqa: E712
        )
    )


# --- tasks ------------------------------------------------------------------------------


def followup_rows(followup_id: int | None = None) -> list[tuple]:
    """(id, uid, title, due, done at, contact id, contact uid, name, the contact's title,
    organization) of the follow-ups of active contacts (or of the one with that id)."""
    query = (
        FollowUp.select(
            FollowUp.id,
            FollowUp.uid,
            FollowUp.title,
            FollowUp.due_on,
            FollowUp.done_at,
            Contact.id,
            Contact.uid,
            Contact.display_name,
            Contact.title,
            Organization.name,
        )
        .join(Contact, on=(FollowUp.contact == Contact.id))
        .join(Organization, JOIN.LEFT_OUTER, on=(Contact.organization == Organization.id))
        .where(Contact.archived_at.is_null())
    )
    if followup_id is not None:
        query = query.where(FollowUp.id == followup_id)
    return list(query.tuples())


def touch_rows(contact_ids: list[int] | None = None) -> list[tuple]:
    """(contact id, uid, name, title, next stay-in-touch day, organization) of the active
    contacts that have such a day (of ``contact_ids``)."""
    query = (
        Contact.select(
            Contact.id,
            Contact.uid,
            Contact.display_name,
            Contact.title,
            Contact.touch_due_on,
            Organization.name,
        )
        .join(Organization, JOIN.LEFT_OUTER, on=(Contact.organization == Organization.id))
        .where(Contact.archived_at.is_null() & Contact.touch_due_on.is_null(False))
    )
    if contact_ids is not None:
        query = query.where(Contact.id.in_(contact_ids))
    return list(query.tuples())


def active_contact_id(uid: str) -> int | None:
    row = Contact.get_or_none((Contact.uid == uid) & Contact.archived_at.is_null())
    return None if row is None else row.id


def followup_uid_taken(uid: str) -> bool:
    return FollowUp.select().where(FollowUp.uid == uid).exists()


def update_followup(followup_id: int, **values) -> None:
    """Set what the follow-up services have no call for: a task's own uid, the done
    time the phone gave, a title from the server."""
    FollowUp.update(**values).where(FollowUp.id == followup_id).execute()


# --- conflicts ------------------------------------------------------------------------


def record_conflict(account_id: int, contact_id: int | None, uid: str, field: str, local, server):
    """Keep a local value that lost to the server's (one open conflict per field)."""
    from favorbook.services._common import utc_now

    with db.atomic():
        SyncConflict.delete().where(
            (SyncConflict.account == account_id)
            & (SyncConflict.uid == uid)
            & (SyncConflict.field == field)
            & SyncConflict.resolved_at.is_null()
        ).execute()
        return SyncConflict.create(
            account=account_id,
            contact=contact_id,
            uid=uid,
            field=field,
            local_value=json.dumps(local, ensure_ascii=False),
            server_value=json.dumps(server, ensure_ascii=False),
            created_at=utc_now(),
        )


def conflicts(account: str | None, include_resolved: bool) -> list[SyncConflict]:
    """Newest first, each with ``account_name`` and ``contact_name``."""
    query = (
        SyncConflict.select(
            SyncConflict,
            SyncAccount.name.alias("account_name"),
            Contact.display_name.alias("contact_name"),
        )
        .join(SyncAccount, JOIN.LEFT_OUTER)  # no account: a conflict between the rep's devices
        .switch(SyncConflict)
        .join(Contact, JOIN.LEFT_OUTER)
        .order_by(SyncConflict.created_at.desc(), SyncConflict.id.desc())
        .objects()
    )
    if account is not None:
        query = query.where(SyncAccount.name == account)
    if not include_resolved:
        query = query.where(SyncConflict.resolved_at.is_null())
    return list(query)


def conflict(conflict_id: int) -> SyncConflict | None:
    return SyncConflict.get_or_none(SyncConflict.id == conflict_id)


def resolve_conflict(row: SyncConflict, when: dt.datetime) -> None:
    row.resolved_at = when
    row.save(only=[SyncConflict.resolved_at])


def open_conflicts(account: str | None) -> int:
    query = SyncConflict.select().where(SyncConflict.resolved_at.is_null())
    if account is not None:
        query = query.join(SyncAccount).where(SyncAccount.name == account)
    return query.count()


# --- meetings calendars and the inbox list ----------------------------------------------


def calendars(account_id: int | None, role: str) -> list[AccountCalendar]:
    """The calendars of ``role`` of an account (None: the ones favorbook keeps itself)."""
    who = (
        AccountCalendar.account.is_null()
        if account_id is None
        else (AccountCalendar.account == account_id)
    )
    return list(
        AccountCalendar.select()
        .where(who & (AccountCalendar.role == role))
        .order_by(AccountCalendar.name, AccountCalendar.id)
    )


def add_calendar(account_id: int | None, role: str, url: str, name: str) -> AccountCalendar:
    return AccountCalendar.create(account=account_id, role=role, url=url, name=name)


def remove_calendars(account_id: int | None, role: str, keep: set[str] | None = None) -> None:
    """Forget the account's calendars of ``role`` (all but the urls in ``keep``)."""
    who = (
        AccountCalendar.account.is_null()
        if account_id is None
        else (AccountCalendar.account == account_id)
    )
    where = who & (AccountCalendar.role == role)
    if keep is not None:
        where &= AccountCalendar.url.not_in(keep or {""})
    AccountCalendar.delete().where(where).execute()


def local_calendar(url: str) -> AccountCalendar | None:
    return AccountCalendar.get_or_none(
        AccountCalendar.account.is_null() & (AccountCalendar.url == url)
    )


def remove_local_calendar(url: str) -> None:
    AccountCalendar.delete().where(
        AccountCalendar.account.is_null() & (AccountCalendar.url == url)
    ).execute()


def local_sources(role: str, leave_out: str) -> list[AccountCalendar]:
    """The calendars of ``role`` favorbook keeps itself, in the order added."""
    return list(
        AccountCalendar.select()
        .where(
            AccountCalendar.account.is_null()
            & (AccountCalendar.role == role)
            & (AccountCalendar.url != leave_out)
        )
        .order_by(AccountCalendar.id)
    )


def replace_events(cal: AccountCalendar, events: dict[str, tuple[str, str]], when) -> None:
    """The calendar's events are now ``events`` ({href: (etag, text)}), fetched ``when``."""
    with db.atomic():
        CalendarEvent.delete().where(CalendarEvent.calendar == cal.id).execute()
        for href, (etag, text) in events.items():
            CalendarEvent.create(calendar=cal.id, href=href, etag=etag, text=text)
        cal.fetched_at = when
        cal.save(only=[AccountCalendar.fetched_at])


def calendar_events(cal: AccountCalendar) -> list[CalendarEvent]:
    return list(CalendarEvent.select().where(CalendarEvent.calendar == cal.id))


def put_event(cal: AccountCalendar, href: str, etag: str, text: str) -> None:
    """The server's copy of one event resource, new or changed."""
    CalendarEvent.insert(calendar=cal.id, href=href, etag=etag, text=text).on_conflict(
        conflict_target=[CalendarEvent.calendar, CalendarEvent.href],
        update={CalendarEvent.etag: etag, CalendarEvent.text: text},
    ).execute()


def drop_events(cal: AccountCalendar, hrefs: list[str]) -> None:
    CalendarEvent.delete().where(
        (CalendarEvent.calendar == cal.id) & CalendarEvent.href.in_(hrefs)
    ).execute()


def fetched(cal: AccountCalendar, when) -> None:
    cal.fetched_at = when
    cal.save(only=[AccountCalendar.fetched_at])


def events(role: str, account_id: int | None = None) -> list[tuple[str, str, str]]:
    """(href, text, calendar name) of the fetched events of the calendars of ``role``."""
    query = (
        CalendarEvent.select(CalendarEvent.href, CalendarEvent.text, AccountCalendar.name)
        .join(AccountCalendar)
        .where(AccountCalendar.role == role)
    )
    if account_id is not None:
        query = query.where(AccountCalendar.account == account_id)
    return list(query.tuples())


def accounts_with_calendars(role: str) -> list[str]:
    rows = (
        SyncAccount.select(SyncAccount.name)
        .join(AccountCalendar)
        .where(AccountCalendar.role == role)
        .distinct()
        .order_by(SyncAccount.name)
        .tuples()
    )
    return [name for (name,) in rows]


def has_calendars(role: str) -> bool:
    return AccountCalendar.select().where(AccountCalendar.role == role).exists()


def captures_known(account_id: int) -> dict[str, int]:
    """{uid: id} of the account's captures."""
    query = InboxCapture.select(InboxCapture.uid, InboxCapture.id).where(
        InboxCapture.account == account_id
    )
    return dict(query.tuples())


def add_capture(**values) -> None:
    InboxCapture.create(**values)


def update_capture(capture_id: int, **values) -> None:
    InboxCapture.update(**values).where(InboxCapture.id == capture_id).execute()


def captures(account_id: int) -> list[InboxCapture]:
    """Every capture of the account."""
    return list(InboxCapture.select().where(InboxCapture.account == account_id))


def complete_decided(capture_id: int, when) -> None:
    """A decided capture whose task is gone from the server: nothing is left to mark."""
    InboxCapture.update(completed_at=when).where(
        (InboxCapture.id == capture_id)
        & (InboxCapture.status != "waiting")
        & InboxCapture.completed_at.is_null()
    ).execute()


def captures_decided(account_id: int) -> list[InboxCapture]:
    """Captures accepted or dismissed, not yet marked done on the server."""
    return list(
        InboxCapture.select()
        .where(
            (InboxCapture.account == account_id)
            & (InboxCapture.status != "waiting")
            & InboxCapture.completed_at.is_null()
        )
        .order_by(InboxCapture.id)
    )


def captures_waiting() -> list[tuple[int, str, str, object]]:
    """(id, uid, text, captured at) of the captures waiting, oldest first."""
    return list(
        InboxCapture.select(
            InboxCapture.id, InboxCapture.uid, InboxCapture.text, InboxCapture.captured_at
        )
        .where(InboxCapture.status == "waiting")
        .order_by(InboxCapture.captured_at, InboxCapture.id)
        .tuples()
    )


def waiting_count() -> int:
    return InboxCapture.select().where(InboxCapture.status == "waiting").count()


def capture(capture_id: int) -> InboxCapture | None:
    return InboxCapture.get_or_none(InboxCapture.id == capture_id)
