# SPDX-License-Identifier: EUPL-1.2
"""Imports each feature's API module so that its routes are registered on the API blueprint."""

from commons.api import openapi  # noqa: F401
from commons.catalogue import api as catalogue_api  # noqa: F401
from commons.contributions import api as contributions_api  # noqa: F401
from commons.harvest import api as harvest_api  # noqa: F401
from commons.reviews import api as reviews_api  # noqa: F401
