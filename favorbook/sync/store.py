"""The sync's bookkeeping in the database: collections, their items, the sync token.

``sync/`` reaches its own tables (``sync_collection``, ``sync_item``) through here: what
was last synced of each item (href, ETag, the text as the base of the three-way merge)
and whether it changed here since (``dirty``, set by the triggers of migration 0003) or
was deleted here (``deleted``, a tombstone).
"""

from __future__ import annotations

from favorbook.db.models import SyncCollection, SyncItem, db

__all__ = ["SyncCollection", "SyncItem"]


def atomic():
    """One transaction (nested ones are savepoints)."""
    return db.atomic()


def items(coll: SyncCollection) -> list[SyncItem]:
    return list(SyncItem.select().where(SyncItem.collection == coll.id))


def etags(coll: SyncCollection) -> dict[str, str | None]:
    """{href: etag} of the collection's items that have an address."""
    query = SyncItem.select(SyncItem.href, SyncItem.etag).where(
        (SyncItem.collection == coll.id) & SyncItem.href.is_null(False)
    )
    return {href: etag for href, etag in query.tuples()}


def set_token(coll: SyncCollection, token: str | None) -> None:
    SyncCollection.update(sync_token=token).where(SyncCollection.id == coll.id).execute()


def unconfirmed_deletes(coll: SyncCollection) -> list[SyncItem]:
    """Items deleted here whose upload the server never confirmed (no ETag, no base)."""
    return list(
        SyncItem.select().where(
            (SyncItem.collection == coll.id)
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


def drop(item: SyncItem) -> None:
    if item.id is not None:
        item.delete_instance()
