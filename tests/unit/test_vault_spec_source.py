"""What travels is read from the newest migration that says so, so a new contact field
that travels is one migration (its column, SPEC and triggers), not a change here."""

from __future__ import annotations

import shutil

from favorbook.db.database import MIGRATIONS_DIR
from favorbook.sync.vault import spec


def test_the_vault_reads_what_travels_from_0011_today():
    assert spec.newest_spec_migration().name == "0011_vault.py"
    assert "department" in spec.columns("contact")


def test_a_later_migration_that_adds_a_column_that_travels_is_the_one_read(tmp_path):
    for path in MIGRATIONS_DIR.glob("*.py"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "0098_unrelated.py").write_text("def up(migrator, db):\n    pass\n")
    (tmp_path / "0099_pronouns.py").write_text(
        "import importlib.util, pathlib\n"
        "_p = pathlib.Path(__file__).with_name('0011_vault.py')\n"
        "_s = importlib.util.spec_from_file_location('m0011', _p)\n"
        "m0011 = importlib.util.module_from_spec(_s)\n"
        "_s.loader.exec_module(m0011)\n"
        "SPEC = dict(m0011.SPEC)\n"
        "cols, *rest = SPEC['contact']\n"
        "SPEC['contact'] = (cols + ['pronouns'], *rest)\n"
        "PREFERENCE_KEYS = m0011.PREFERENCE_KEYS\n"
        "TRIGGERS = m0011.triggers('contact', SPEC)\n"
    )
    newest = spec.newest_spec_migration(tmp_path)
    assert newest.name == "0099_pronouns.py"
    module = spec.load_migration(newest)
    assert module.SPEC["contact"][0][-1] == "pronouns"
    made = "\n".join(module.TRIGGERS)
    assert "'pronouns', NEW.pronouns" in made  # the insert carries it
    assert "vault_contact_update_pronouns" in made  # and an edit of it travels
