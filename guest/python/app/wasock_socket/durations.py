"""Timeouts in seconds as the host's nanoseconds."""

import math

#: Where CPython's timeouts overflow: its clock counts nanoseconds in a
#: signed 64-bit integer (about 292 years), which the host's ``u64``
#: nanoseconds always hold.
_LIMIT_SECONDS = 2**63 / 1e9


def check(seconds):
    """Raise what CPython raises for a NaN or an overflowing timeout."""
    if math.isnan(seconds):
        raise ValueError("Invalid value NaN (not a number)")
    if seconds >= _LIMIT_SECONDS:
        raise OverflowError("timestamp out of range for platform time_t")


def nanoseconds(seconds):
    """``seconds`` as the host's nanoseconds, rounded up so that a positive
    timeout never becomes zero; ``None`` (no limit) stays ``None``."""
    if seconds is None:
        return None
    check(seconds)
    return math.ceil(seconds * 1e9)
