"""The URL guard: every non-public address form is refused, public ones pass, settings can allow."""

from __future__ import annotations

import ipaddress

import pytest

from access.config import Settings
from access.errors import UrlForbidden, UrlUnreachable
from access.netguard import (
    address_problem,
    check_host,
    check_redirect,
    check_url,
    host_checker,
    parse_host_address,
)

PUBLIC = "93.184.215.14"


def fake_resolver(table: dict[str, list[str]]):
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise UrlUnreachable(f"{host} does not resolve")
        return table[host]
    return resolve


DNS = fake_resolver({
    "example.org": [PUBLIC],
    "internal.example.org": ["10.1.2.3"],
    "mixed.example.org": [PUBLIC, "192.168.1.5"],
    "v6.example.org": ["2606:4700::6810:85e5"],
    "v6-local.example.org": ["fe80::1"],
    "localhost": ["127.0.0.1", "::1"],
    "rebind.example.org": ["::ffff:169.254.169.254"],
})
S = Settings(allow_private_networks=[])


@pytest.mark.parametrize("host, expected", [
    ("127.0.0.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"), ("0177.1", "127.0.0.1"), ("127.1", "127.0.0.1"),
    ("0x7f.0.0.1", "127.0.0.1"), ("0", "0.0.0.0"), ("[::1]", "::1"), ("::ffff:10.0.0.1", "::ffff:a00:1"),
    ("169.254.169.254.", "169.254.169.254"), ("3232235777", "192.168.1.1"),
])
def test_parse_host_address_reads_every_integer_form(host: str, expected: str) -> None:
    assert parse_host_address(host) == ipaddress.ip_address(expected)


@pytest.mark.parametrize("host", ["example.org", "1.2.3.4.5", "256.1.1.1", "0x1g", "08.1.1.1", ""])
def test_parse_host_address_leaves_names_alone(host: str) -> None:
    assert parse_host_address(host) is None


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://localhost:8000/", "http://2130706433/", "http://0x7f000001/",
    "http://0177.0.0.1/", "http://127.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/", "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.0.1/",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://[fd00:ec2::254]/",
    "http://224.0.0.1/", "http://[ff02::1]/", "http://0.0.0.0/", "http://[::]/", "http://240.0.0.1/",
    "http://100.64.0.1/", "http://[64:ff9b::a00:1]/", "http://[2002:c0a8:101::1]/",
    "http://internal.example.org/", "http://mixed.example.org/", "http://v6-local.example.org/",
    "http://rebind.example.org/", "http://metadata.google.internal/", "http://198.18.0.1/",
    "http://[fc00::1]/", "http://[::127.0.0.1]/",
])
def test_non_public_addresses_are_forbidden(url: str) -> None:
    with pytest.raises(UrlForbidden):
        check_url(url, S, resolver=DNS)


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "ftp://example.org/", "gopher://example.org/", "javascript:alert(1)",
    "data:text/html,hi", "example.org", "http://user:pw@example.org/", "http://[::1/",
    "http://example.org:99999/",
])
def test_other_schemes_and_malformed_urls_are_forbidden(url: str) -> None:
    with pytest.raises(UrlForbidden):
        check_url(url, S, resolver=DNS)


@pytest.mark.parametrize("url", [
    f"http://{PUBLIC}/", "https://example.org/course/unit-1?x=1#top", "http://v6.example.org/",
    "HTTPS://EXAMPLE.ORG/", "http://[2606:4700::6810:85e5]:8080/",
])
def test_public_urls_pass(url: str) -> None:
    assert check_url(url, S, resolver=DNS) == url


def test_unresolvable_names_are_unreachable_not_forbidden() -> None:
    with pytest.raises(UrlUnreachable):
        check_url("http://nowhere.invalid/", S, resolver=DNS)


def test_settings_allow_listed_networks() -> None:
    allowing = Settings(allow_private_networks="127.0.0.0/8, 10.0.0.0/8")
    assert check_url("http://127.0.0.1:8080/", allowing, resolver=DNS)
    assert check_url("http://2130706433/", allowing, resolver=DNS)
    assert check_url("http://[::ffff:127.0.0.1]/", allowing, resolver=DNS)
    assert check_url("http://internal.example.org/", allowing, resolver=DNS)
    with pytest.raises(UrlForbidden):
        check_url("http://192.168.0.1/", allowing, resolver=DNS)
    with pytest.raises(UrlForbidden):       # localhost also resolves to ::1, which is not allowed
        check_url("http://localhost/", allowing, resolver=DNS)


def test_allow_private_lifts_address_checks_but_not_scheme_checks() -> None:
    assert check_url("http://127.0.0.1/", S, allow_private=True, resolver=DNS)
    assert check_url("http://localhost/", S, allow_private=True, resolver=DNS)
    with pytest.raises(UrlForbidden):
        check_url("file:///etc/passwd", S, allow_private=True, resolver=DNS)


def test_redirect_hops_are_checked_relative_to_the_current_url() -> None:
    assert check_redirect("http://example.org/a/", "b?c=1", S, resolver=DNS) == "http://example.org/a/b?c=1"
    with pytest.raises(UrlForbidden):
        check_redirect("http://example.org/", "http://169.254.169.254/", S, resolver=DNS)
    with pytest.raises(UrlForbidden):
        check_redirect("http://example.org/", "//10.0.0.1/x", S, resolver=DNS)


def test_host_checker_returns_the_checked_addresses() -> None:
    check = host_checker(S, resolver=DNS)
    assert check("example.org", 80) == [ipaddress.ip_address(PUBLIC)]
    with pytest.raises(UrlForbidden):
        check("localhost", 80)
    assert check_host("localhost", 80, S, allow_private=True, resolver=DNS)


def test_address_problem_names_the_reason() -> None:
    assert address_problem(ipaddress.ip_address("169.254.169.254")) == "a cloud metadata address"
    assert "loopback" in (address_problem(ipaddress.ip_address("::ffff:127.0.0.1")) or "")
    assert address_problem(ipaddress.ip_address(PUBLIC)) is None


def test_real_resolver_refuses_localhost() -> None:
    with pytest.raises(UrlForbidden):
        check_url("http://localhost/", S)
