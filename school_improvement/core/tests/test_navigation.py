"""The service navigation marks exactly one section as the current one."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse


@pytest.mark.parametrize(("url_name", "current"), [
    ("core:home", "Home"),
    ("brokerage:overview", "Brokerage"),
    ("brokerage:gap", "Brokerage"),
    ("brokerage:support_list", "Support"),
    ("journeys:dashboard", "Journeys"),
])
def test_one_navigation_item_is_current(client_as, url_name, current):
    page = client_as("head_of_service").get(reverse(url_name)).content.decode()
    marked = re.findall(r'aria-current="true">(?:<strong[^>]*>)?([^<]+)<', page)
    assert marked == [current]
