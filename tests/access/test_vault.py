"""Secrets at rest: sealed with the server key (Fernet), refused without one, deleted with the job."""

from __future__ import annotations

from pathlib import Path

import pytest

from access import vault
from access.config import Settings
from access.errors import AccessError
from access.models import JobKind, JobStatus
from access.store import Store


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)


def test_sealed_data_opens_with_the_key_only() -> None:
    key = vault.new_key()
    sealed = vault.seal(b"password=hunter2", settings(secret_key=key), server=True)
    assert b"hunter2" not in sealed.encode()
    assert vault.unseal(sealed, settings(secret_key=key)) == b"password=hunter2"
    with pytest.raises(AccessError, match="could not be opened"):
        vault.unseal(sealed, settings(secret_key=vault.new_key()))


def test_keys_rotate_the_first_seals_every_one_opens() -> None:
    old, new = vault.new_key(), vault.new_key()
    sealed_with_old = vault.seal(b"x", settings(secret_key=old), server=True)
    rotated = settings(secret_key=f"{new},{old}")
    assert vault.unseal(sealed_with_old, rotated) == b"x"
    assert vault.unseal(vault.seal(b"y", rotated), settings(secret_key=new)) == b"y"


def test_without_a_server_key_credentials_are_refused_clearly() -> None:
    with pytest.raises(vault.SecretKeyMissing) as caught:
        vault.seal(b"x", settings(), server=True)
    assert caught.value.code == "invalid_request" and "ACCESS_SECRET_KEY" in caught.value.message
    # a process keeping sealed data in its own memory (the CLI) has a key of its own
    assert vault.unseal(vault.seal(b"z", settings()), settings()) == b"z"
    with pytest.raises(AccessError, match="not a valid Fernet key"):
        vault.server_cipher(settings(secret_key="not-a-key"))
    assert repr(settings(secret_key=vault.new_key()).secret_key) == "SecretStr('**********')"


@pytest.mark.parametrize("end", ["finish", "cancel", "delete"])
def test_a_jobs_credentials_go_when_it_ends(tmp_path: Path, end: str) -> None:
    store = Store(f"sqlite:///{tmp_path / 'jobs.sqlite'}")
    store.ensure_schema()
    job, created = store.create_job(tenant="t", kind=JobKind.AUDIT, input={"url": "https://a.example/"},
                                    options={}, sealed="sealed-token")
    assert created and store.get_secret(job.id) == "sealed-token"
    again, created = store.create_job(tenant="t", kind=JobKind.AUDIT, input={}, options={}, sealed=None)
    assert store.get_secret(again.id) is None
    {"finish": lambda: store.finish(job.id, JobStatus.SUCCEEDED, result={}),
     "cancel": lambda: store.cancel(job.id), "delete": lambda: store.delete_job(job.id)}[end]()
    assert store.get_secret(job.id) is None
    store.dispose()
