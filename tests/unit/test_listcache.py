"""Values kept until their data changes (services.listcache.Kept), shared by threads."""

from favorbook.services import listcache


def test_a_value_worked_out_as_of_one_mark_is_not_kept_for_the_next(db, monkeypatch):
    """Another thread moved the values kept on to a newer mark while this one worked its
    value out: kept, it would be taken for the newer data's."""
    kept = listcache.Kept(4, mark="names")
    # Asked: before this value, before and after the other thread's, after this value
    # (the newer mark not yet seen there: the moment between the check and the keeping).
    marks = iter([("db", 1), ("db", 2), ("db", 2), ("db", 1)])
    monkeypatch.setattr(kept, "mark", lambda: next(marks))

    def meanwhile():
        kept.cached(("other",), lambda: "as of 2")  # another thread, data changed since
        return "as of 1"

    assert kept.cached(("names",), meanwhile) == "as of 1"
    assert kept._version == ("db", 2) and kept._entries == {("other",): "as of 2"}


def test_the_oldest_value_makes_room_and_a_value_kept_again_takes_none(db):
    kept = listcache.Kept(2)
    for key in ("a", "b", "c"):
        assert kept.cached((key,), lambda key=key: key.upper()) == key.upper()
    assert list(kept._entries) == [("b",), ("c",)]
    mark = kept.mark()
    assert kept.keep(("c",), "C again", mark)
    assert kept._entries == {("b",): "B", ("c",): "C again"}
