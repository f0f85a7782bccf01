# SPDX-License-Identifier: EUPL-1.2
"""publiccode.yml validation for maintainers: the ``/publiccode/validate`` page and the CLI command."""
