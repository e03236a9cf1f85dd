"""The offline upload check alone: any bytes give a SigningError or a valid signature."""

from __future__ import annotations

import pytest
from django.utils.translation import override
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samizdat.authenticity import keys, offline
from samizdat.authenticity.minisign import Signature
from samizdat.authenticity.signing import SigningError
from samizdat.publishing.models import Statement


@pytest.fixture
def wanted(site_key, make_statement):
    statement = make_statement(status=Statement.Status.DRAFT, published_at=None)
    return statement, offline.offline_request(statement, publish=True)


def _signed_parts(sig: Signature) -> tuple:
    return sig.key_id, sig.signature, sig.trusted_comment, sig.global_signature


def _valid(request) -> bytes:
    return keys.load_secret_key("").sign(request.text, request.trusted_comment).to_file()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=600), cut=st.integers(0, 400), flip=st.integers(0, 400))
def test_arbitrary_and_damaged_uploads_only_ever_raise_signing_error(wanted, data, cut, flip):
    statement, request = wanted
    valid = _valid(request)
    damaged = bytearray(valid)
    damaged[flip % len(damaged)] ^= 0x20
    for upload in (data, valid[:cut], bytes(damaged), data + valid):
        try:
            with override("en"):
                accepted = offline.check_signature(statement, upload, request)
        except SigningError as exc:
            assert str(exc)
        else:  # only the untrusted comment may differ from the signature that was made
            assert _signed_parts(accepted) == _signed_parts(Signature.from_file(valid))


def test_the_command_and_comment_name_url_and_date(wanted):
    statement, request = wanted
    assert request.url == "http://testserver" + statement.get_absolute_url()
    assert f"url:{request.url} date:{request.date_text}" in request.command()
    sig = offline.check_signature(statement, _valid(request), request)
    assert sig.key_id_hex == keys.site_public_key().id
