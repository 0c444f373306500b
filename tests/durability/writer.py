"""The crash test's writer: a process that writes through favorbook's services until killed.

Run as ``python writer.py serve``, it imports favorbook once and then waits on
stdin for commands from the supervisor (tests/durability/test_crash.py):

``run DATA_DIR ROUND``  fork a fresh writer child; answer ``pid N``
``reap PID``            wait for that (killed) child; answer ``reaped STATUS``

Each child opens the database in DATA_DIR through the real services and loops:
create a contact (with emails, a phone, tags), log favors (an IOU, then the favor
that settles it), log a conversation with a follow-up and an answered question.
After each service call *returns* (its transaction is committed) it prints one
line to its stdout (a file in DATA_DIR) naming the kind, the id and a marker,
and flushes. The supervisor SIGKILLs the child at a random moment and checks
that every reported write is in the database, whole.

Forking from a warm parent keeps each kill round at a few milliseconds of
start-up instead of a fresh interpreter's import of peewee and the services;
every round is still a new process that opens the database from scratch.
"""

from __future__ import annotations

import os
import sys

REPORT = "writes.log"


def _write_loop(data_dir: str, round_no: int) -> None:
    from favorbook.services import contacts, conversations, favors, questions, session

    session.open_data(data_dir)
    question_id = questions.list_questions()[0].id
    seq = 0
    while True:
        seq += 1
        marker = f"r{round_no}s{seq}"
        contact_id = contacts.create_contact(
            contacts.ContactInput(
                first_name="Crash",
                last_name=marker,
                organization=f"Org {round_no % 7}",
                emails=[
                    contacts.Labeled(f"{marker}@work.example.com", "work"),
                    contacts.Labeled(f"{marker}@home.example.com", "home"),
                ],
                phones=[contacts.Labeled(f"+1 415 555 {seq % 10000:04d}", "mobile")],
                tags=["crash", marker],
                needs="needs " * 50,
            )
        )
        print(f"contact {contact_id} {marker}", flush=True)
        iou = favors.log_favor(contact_id, "given", f"iou {marker}", expectation="iou", value=3)
        print(f"favor {iou} {marker}", flush=True)
        settle = favors.log_favor(contact_id, "received", f"settles {marker}", settles_id=iou)
        print(f"settle {settle} {marker}", flush=True)
        conversation_id = conversations.log_conversation(
            contact_id,
            "inbound",
            f"talked {marker}",
            follow_up_on="2030-01-01",
            follow_up_title=f"follow {marker}",
            answers={question_id: f"answer {marker}"},
        )
        print(f"conversation {conversation_id} {marker}", flush=True)
        note_id = contacts.add_note(contact_id, f"note {marker} " * 30)
        print(f"note {note_id} {marker}", flush=True)


def _child(data_dir: str, round_no: int) -> None:
    fd = os.open(os.path.join(data_dir, REPORT), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(fd, 1)
    os.close(fd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdout = os.fdopen(1, "w", buffering=1, encoding="utf-8", closefd=False)
    try:
        _write_loop(data_dir, round_no)
    except BaseException:
        import traceback

        traceback.print_exc()  # to the test's stderr: why a write failed
    finally:
        os._exit(3)  # only reached when a write failed: the supervisor sees the status


def serve() -> None:
    # Warm everything a child needs, so that forking is all a round costs.
    import email_validator  # noqa: F401
    import phonenumbers  # noqa: F401

    from favorbook.services import contacts, conversations, favors, questions, session  # noqa: F401

    for line in sys.stdin:
        command, *args = line.split()
        if command == "run":
            pid = os.fork()
            if pid == 0:
                _child(args[0], int(args[1]))
            print(f"pid {pid}", flush=True)
        elif command == "reap":
            _, status = os.waitpid(int(args[0]), 0)
            print(f"reaped {status}", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, os.environ.get("FAVORBOOK_SOURCE", os.getcwd()))
    serve()
