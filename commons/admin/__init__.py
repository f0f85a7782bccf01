# SPDX-License-Identifier: EUPL-1.2
"""The secretariat's web tools: user accounts and invitations, ECB exchange rates."""
