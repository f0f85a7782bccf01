# SPDX-License-Identifier: EUPL-1.2
"""factory_boy factories for the models; they flush into the test's session, which is rolled back."""

from __future__ import annotations

from typing import Any

import factory
from sqlalchemy import select

from commons.accounts.models import Role, User
from commons.catalogue.models import Commons, Repository
from commons.extensions import db
from commons.organisations.models import Organisation

PASSWORD = "correct horse battery staple"
_HASHES: dict[str, str] = {}


def password_hash(password: str = PASSWORD) -> str:
    """Hash once per password and process: hashing is deliberately slow."""
    if password not in _HASHES:
        from commons.accounts.services import hash_password

        _HASHES[password] = hash_password(password)
    return _HASHES[password]


class Base(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class OrganisationFactory(Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    org_type = "central_government"
    member_state_code = "FR"
    country = factory.LazyAttribute(lambda o: o.member_state_code)


class UserFactory(Base):
    """``UserFactory(role="member_state_rep", member_state_code="FR")``."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    password_hash = factory.LazyFunction(password_hash)
    active = True

    @factory.post_generation
    def role(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        names = extracted if isinstance(extracted, list | tuple) else [extracted or "user"]
        self.roles = list(db.session.scalars(select(Role).where(Role.name.in_(names))))
        if create:
            db.session.flush()


class CommonsFactory(Base):
    class Meta:
        model = Commons

    name = factory.Sequence(lambda n: f"Commons {n}")
    slug = factory.Sequence(lambda n: f"commons-{n}")
    summary = "A reusable tool for public services."
    licences = factory.LazyFunction(lambda: ["EUPL-1.2"])
    category = "software"
    country = "FR"
    catalogue_status = "candidate"


class RepositoryFactory(Base):
    class Meta:
        model = Repository

    host = "github.com"
    remote_id = factory.Sequence(lambda n: str(1000 + n))
    full_name = factory.Sequence(lambda n: f"example/repo-{n}")
    web_url = factory.LazyAttribute(lambda r: f"https://{r.host}/{r.full_name}")
    license_spdx = "EUPL-1.2"
    forge_kind = "github"
    commons = factory.SubFactory(CommonsFactory)
