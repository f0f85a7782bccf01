# SPDX-License-Identifier: EUPL-1.2
"""Hostile text through the real harvest: a forge (the fake forge on 127.0.0.1) publishes a repository whose
description, homepage and publiccode.yml carry markup and script URLs; after ``run_source`` every page that
shows the harvested commons escapes it and links no script URL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from commons.catalogue.models import Repository
from commons.extensions import db
from commons.harvest import services
from tests.fakeforge import FakeForge
from tests.security.test_hostile_text import HOSTILE, HOSTILE_URL, audit

PUBLICCODE = f"""publiccodeYmlVersion: "0.4"
name: "{HOSTILE.replace('"', "'")}"
url: "https://github.com/etalab/hostile"
platforms: [web]
categories: [it-development]
developmentStatus: stable
softwareType: standalone/web
description:
  en:
    shortDescription: "{HOSTILE.replace('"', "'")}"
    longDescription: "{("Long " + HOSTILE.replace('"', "'")) * 3}"
    features: ["{HOSTILE.replace('"', "'")}"]
legal:
  license: EUPL-1.2
maintenance:
  type: none
localisation:
  localisationReady: true
  availableLanguages: [en]
"""


@pytest.fixture
def forge() -> Iterator[FakeForge]:
    with FakeForge() as running:
        yield running


def test_hostile_harvested_repository_is_escaped_on_every_page(app, client, forge):
    app.config.update(COMMONS_HARVEST_ALLOWED_HOSTS=forge.host, COMMONS_HARVEST_TIMEOUT="2,2", COMMONS_BROKER_URL=None)
    forge.add_repo(
        "github",
        "etalab",
        "hostile",
        description=HOSTILE,
        homepage=HOSTILE_URL,
        topics=["xss", "script"],
        publiccode=PUBLICCODE,
    )
    source = services.add_source(kind="github", url=forge.web_url("github", "etalab"), approve=True)
    db.session.commit()
    job = services.run_source(source)
    assert job.status == "succeeded", (job.status, job.error)
    db.session.expire_all()
    repo = db.session.scalar(select(Repository).where(Repository.full_name == "etalab/hostile"))
    assert repo is not None and repo.description == HOSTILE, "the forge's text is stored as it came"
    pages = ["/", "/commons", "/commons?q=Hostile", "/api/v1/commons"]
    if repo.commons is not None:
        pages += [f"/commons/{repo.commons.slug}", f"/commons/{repo.commons.slug}/publiccode.yml"]
    shown = False
    for path in pages:
        response = client.get(path)
        assert response.status_code < 500, (path, response.status_code)
        body = response.get_data(as_text=True)
        if response.mimetype == "text/html":
            assert not audit(body), f"{path}: {audit(body)}"
            shown = shown or "Hostile &lt;script&gt;" in body
        else:
            assert response.mimetype != "text/html"
    assert shown, "no page showed the harvested text: the check above proved nothing"
