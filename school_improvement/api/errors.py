"""Services refuse with Django's ValidationError; the API answers 400 with the same messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions


def refusal(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's refusal as a 400 response: by field where it names them, else under ``detail``."""
    return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
