"""Signing people in and out through the real pages, as the browser tests' people do."""

from __future__ import annotations

import time

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from school_improvement.accounts.roles import SECOND_FACTOR_ROLES
from school_improvement.testing.world import PASSWORD


def next_code(device: TOTPDevice) -> str:
    """The authenticator's code a person would type now.

    A code may be used once (django-otp refuses a time step at or before the last one used), so
    someone signing in again within 30 seconds types the next step's code, which the device's
    tolerance accepts; past that tolerance they wait for the next step, as at a keyboard.
    """
    device.refresh_from_db()
    while True:
        now = int((time.time() - device.t0) // device.step)
        wanted = max(now + device.drift, device.last_t + 1)
        if wanted <= now + device.drift + device.tolerance:
            code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=wanted - now)
            return f"{code:0{device.digits}d}"
        time.sleep(1)


def sign_in(visitor, user) -> None:
    """Username, password and, for the roles that need one, the second-factor code."""
    device = None
    if user.roles & SECOND_FACTOR_ROLES:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
            TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    visitor.go("/accounts/login/")
    visitor.page.fill("#id_username", user.username)
    visitor.page.fill("#id_password", PASSWORD)
    visitor.page.click("main button[type=submit]")
    if device is not None:
        visitor.page.wait_for_url("**/accounts/two-factor/")
        visitor.page.fill("#id_token", next_code(device))
        visitor.page.click("main button[type=submit]")
    visitor.page.wait_for_url(visitor.base_url + "/")


def sign_out(visitor) -> None:
    visitor.page.click("button:has-text('Sign out')")
    visitor.page.wait_for_load_state("load")
