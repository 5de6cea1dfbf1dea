"""Keyring and revocation list persistence: private files, lifecycle rules."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from qr_doorplate.keyring import Keyring, KeyringError, KeyringStore, KeyStatus
from qr_doorplate.revocation import Revocation, RevocationList, RevocationStore
from tests.qr_doorplate.doorplate_support import NOW


def test_keyring_round_trips_through_a_private_file(tmp_path: Path) -> None:
    store = KeyringStore(tmp_path / "doorplate" / "keyring.json")
    keyring = Keyring().rotate(NOW).rotate(NOW + timedelta(days=1)).rotate(NOW + timedelta(days=2))
    keyring = keyring.retire(1, NOW + timedelta(days=3))
    store.save(keyring)
    assert store.load() == keyring
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    assert [k.status for k in keyring.keys] == [KeyStatus.RETIRED, KeyStatus.VERIFY, KeyStatus.ACTIVE]
    assert not list(store.path.parent.glob("*.tmp"))


def test_a_keyring_file_others_can_read_is_refused(tmp_path: Path) -> None:
    store = KeyringStore(tmp_path / "keyring.json")
    store.save(Keyring().rotate(NOW))
    os.chmod(store.path, 0o644)
    with pytest.raises(KeyringError, match="0600"):
        store.load()


def test_a_corrupt_keyring_file_is_refused(tmp_path: Path) -> None:
    store = KeyringStore(tmp_path / "keyring.json")
    store.save(Keyring().rotate(NOW))
    store.path.write_text('{"keys": [{"id": 1}]}', encoding="utf-8")
    with pytest.raises(KeyringError, match="corrupt"):
        store.load()


def test_load_or_create_makes_one_active_key_once(tmp_path: Path) -> None:
    store = KeyringStore(tmp_path / "keyring.json")
    assert store.load() == Keyring()
    first = store.load_or_create(NOW)
    assert store.load_or_create(NOW + timedelta(days=1)) == first
    assert [k.key_id for k in first.keys] == [1]


def test_lifecycle_rules() -> None:
    keyring = Keyring().rotate(NOW)
    with pytest.raises(KeyringError):
        keyring.retire(1, NOW)  # the active key must be rotated out first
    with pytest.raises(KeyringError):
        keyring.retire(9, NOW)
    with pytest.raises(KeyringError):
        Keyring().active()
    rotated = keyring.rotate(NOW)
    assert rotated.active().key_id == 2
    assert rotated.active().secret != keyring.active().secret
    assert sum(k.status is KeyStatus.ACTIVE for k in rotated.keys) == 1


def test_key_ids_are_bounded_to_one_byte() -> None:
    keyring = Keyring()
    for _ in range(255):
        keyring = keyring.rotate(NOW)
    with pytest.raises(KeyringError, match="exhausted"):
        keyring.rotate(NOW)


def test_revocations_round_trip(tmp_path: Path) -> None:
    store = RevocationStore(tmp_path / "revoked.json")
    revocations = (
        RevocationList()
        .add(Revocation(NOW, "丢失", code_id="ABCDEFGH"))
        .add(Revocation(NOW, code="C0001-B03", issued_at=17))
        .add(Revocation(NOW, "换新", code="C0001-B04", issued_before=99))
    )
    store.save(revocations)
    assert store.load() == revocations
    assert RevocationStore(tmp_path / "none.json").load() == RevocationList()
