"""Indian identity numbers: PAN and Aadhaar. The bank keeps a PAN, but of an Aadhaar number
only its last four digits (UIDAI's masking rule)."""

from __future__ import annotations

import re

from domain.errors import ValidationError

_PAN = re.compile(r"[A-Z]{3}[ABCFGHLJPT][A-Z][0-9]{4}[A-Z]")
_AADHAAR = re.compile(r"[2-9][0-9]{11}")

# Verhoeff checksum tables (dihedral group D5), as UIDAI uses for Aadhaar.
_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6), (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4), (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2), (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def verhoeff_valid(digits: str) -> bool:
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _D[check][_P[position % 8][int(digit)]]
    return check == 0


def normalise_pan(pan: str) -> str:
    value = pan.strip().upper()
    if not _PAN.fullmatch(value):
        raise ValidationError("PAN must look like ABCPE1234F", field="pan")
    return value


def aadhaar_last4(aadhaar: str) -> str:
    """Check a full Aadhaar number and return only what the bank may keep: its last 4 digits."""
    digits = aadhaar.replace(" ", "").replace("-", "")
    if not _AADHAAR.fullmatch(digits) or not verhoeff_valid(digits):
        raise ValidationError("aadhaar is not a valid 12-digit Aadhaar number", field="aadhaar")
    return digits[-4:]


def mask_pan(pan: str) -> str:
    return pan[:2] + "XXXXXX" + pan[-2:]


def mask_aadhaar(last4: str) -> str:
    return f"XXXX XXXX {last4}"
