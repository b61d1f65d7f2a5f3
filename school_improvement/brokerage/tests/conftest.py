"""A small brokerage map on the test world: schools with locations and a handful of providers.

a1 (in the Alpha Learning Trust with a3) and a2 need support; providers sit at known distances:

* ``near``: an SLE 3 km from a1 (``leader`` delivers), strong in early reading, 6 days a year;
* ``far``: an NLE 60 km away (beyond the 40 km default);
* ``trust``: the head of a3, in a1's trust (a conflict for a1, not for a2);
* ``weak``: a consultant whose own school is in special measures.
"""

from __future__ import annotations

import pytest

from .factories import build_places


@pytest.fixture
def places(world):
    return build_places(world)
