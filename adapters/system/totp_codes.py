"""RFC 6238 codes with pyotp (a small, long-kept implementation of HOTP/TOTP and the
`otpauth://` URI that authenticator apps scan) and the QR code drawn by segno (pure Python, no
imaging library: an SVG the web page or app shows as is)."""

from __future__ import annotations

import base64
import io
import secrets

import pyotp
import segno

from domain.totp import DIGITS, PERIOD_SECONDS


class PyotpCodes:
    def new_secret(self) -> str:
        return pyotp.random_base32(32)  # 160 bits, RFC 4226's recommended length

    def code(self, secret: str, step: int) -> str:
        return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD_SECONDS).generate_otp(step)

    def provisioning_uri(self, secret: str, account: str, issuer: str) -> str:
        return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD_SECONDS).provisioning_uri(
            name=account, issuer_name=issuer)

    def qr_svg(self, uri: str) -> str:
        out = io.BytesIO()
        segno.make(uri, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False)
        return out.getvalue().decode()

    def new_recovery_code(self) -> str:
        return base64.b32encode(secrets.token_bytes(10)).decode()[:12]  # 60 random bits
