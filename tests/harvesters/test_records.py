# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import pytest

from harvesters import source_from_url
from harvesters.records import split_repository_url


@pytest.mark.parametrize(
    ("kind", "url", "owner", "api_base"),
    [
        ("github", "https://github.com/etalab", "etalab", "https://api.github.com"),
        ("github", "https://GitHub.com/orgs/etalab/", "etalab", "https://api.github.com"),
        ("github", "https://ghe.example/dinum", "dinum", "https://ghe.example/api/v3"),
        ("gitlab", "https://gitlab.com/groups/a/b", "a/b", "https://gitlab.com/api/v4"),
        ("gitlab", "https://gitlab.com/a/b", "a/b", "https://gitlab.com/api/v4"),
        ("gitlab", "https://gitlab.adullact.net/adullact", "adullact", "https://gitlab.adullact.net/api/v4"),
        ("gitea", "https://codeberg.org/forgejo", "forgejo", "https://codeberg.org/api/v1"),
        ("gitea", "http://127.0.0.1:8080/org", "org", "http://127.0.0.1:8080/api/v1"),
    ],
)
def test_source_from_url_derives_owner_and_api_base(kind, url, owner, api_base):
    spec = source_from_url(kind, url)
    assert spec.kind == kind
    assert spec.owner == owner
    assert spec.api_base == api_base
    assert spec.web_url.endswith("/" + owner)


def test_source_from_url_api_override_for_enterprise():
    spec = source_from_url("github", "https://ghe.example/dinum", api_url="https://ghe.example/api/v3/")
    assert spec.api_base == "https://ghe.example/api/v3"


@pytest.mark.parametrize(
    ("kind", "url", "message"),
    [
        ("github", "ftp://github.com/etalab", "http:// or https://"),
        ("github", "javascript:alert(1)", "http:// or https://"),
        ("github", "https://github.com/", "one organisation or user"),
        ("github", "https://github.com/etalab/repo", "one organisation or user"),
        ("gitlab", "https://gitlab.com/", "names no group"),
        ("github", "https://user:pw@github.com/etalab", "no credentials"),
        ("github", "https://github.com:99999/etalab", "malformed"),
        ("svn", "https://example.org/x", "unknown forge kind"),
    ],
)
def test_source_from_url_rejects_bad_urls_with_clear_message(kind, url, message):
    with pytest.raises(ValueError, match=message):
        source_from_url(kind, url)


def test_repository_url_normalisation():
    assert split_repository_url("https://GitHub.com/o/r.git/") == ("https", "github.com", ["o", "r"])
    assert split_repository_url("https://gitlab.example/g/sub/r/-/tree/main")[2] == ["g", "sub", "r"]
    with pytest.raises(ValueError, match="owner/name"):
        split_repository_url("https://codeberg.org/only-owner")
