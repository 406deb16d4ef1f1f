"""A local identity provider for the token tests: RSA and P-256 keys made with
`cryptography`, tokens signed with them, and their JWKS served over real HTTP by a
server in a thread of its own (the app under `AsyncTestClient` answers in an event loop
of its own while the test's waits, so the provider must not live in either)."""

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

ISSUER = "https://idp.example.test/"
AUDIENCE = "profiles-api"
JWKS_PATH = "/.well-known/jwks.json"


@dataclass(frozen=True)
class Signer:
    """A key pair of the provider, published as `kid`, signing with `algorithm`."""

    kid: str
    algorithm: str
    private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

    def jwk(self, **fields: Any) -> dict[str, Any]:
        """The public key as the JWKS lists it, with `fields` on top."""
        public = self.private_key.public_key()
        if isinstance(public, rsa.RSAPublicKey):
            data = RSAAlgorithm.to_jwk(public, as_dict=True)
        else:
            data = ECAlgorithm.to_jwk(public, as_dict=True)
        return {**data, "kid": self.kid, "use": "sig", "alg": self.algorithm, **fields}

    def public_pem(self) -> bytes:
        """The public key in PEM, as anyone may download it."""
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def token(self, claims: dict[str, Any] | None = None, **header: Any) -> str:
        """A token of the provider for `someone`, valid ten minutes, with this key's
        `kid` (or the `header`'s) and `claims` on top (a `None` value leaves a claim or
        header field out)."""
        fields = {"kid": self.kid, **header}
        return jwt.encode(
            provider_claims(claims),
            self.private_key,
            algorithm=self.algorithm,
            headers={name: value for name, value in fields.items() if value is not None},
        )


def provider_claims(claims: dict[str, Any] | None = None) -> dict[str, Any]:
    """The claims of a provider's token: issuer, audience, `sub`, `iat`, `exp`, and
    `claims` on top (a `None` value removes a claim)."""
    now = int(time.time())
    body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "someone", "iat": now - 5, "exp": now + 600}
    body.update(claims or {})
    return {name: value for name, value in body.items() if value is not None}


def rsa_signer(kid: str) -> Signer:
    return Signer(kid, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))


def ec_signer(kid: str) -> Signer:
    return Signer(kid, "ES256", ec.generate_private_key(ec.SECP256R1()))


def hmac_token(secret: bytes, header: dict[str, Any], claims: dict[str, Any]) -> str:
    """A token signed by hand with HMAC-SHA256 under `secret` (PyJWT refuses to sign
    with a PEM key as an HMAC secret; an attacker does not), whatever `header` says."""

    def part(value: bytes) -> str:
        return base64.urlsafe_b64encode(value).rstrip(b"=").decode()

    signing_input = f"{part(json.dumps(header).encode())}.{part(json.dumps(claims).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{part(signature)}"


class JwksServer:
    """Serves `keys` as a JWKS at `url`, counting every request that reaches it.

    `failing`: answer 503 instead. `gate`: each request waits for it before answering
    (set unless a test clears it); `arrived` is set by the first request to come in.
    """

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.failing = False
        self.fetches = 0
        self.gate = threading.Event()
        self.gate.set()
        self.arrived = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{JWKS_PATH}"

    def publish(self, *signers: Signer) -> None:
        """Serve the public keys of `signers` from now on (and no other)."""
        self.keys = [signer.jwk() for signer in signers]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop answering: from now on the port refuses connections (again: nothing)."""
        if not self._thread.is_alive():
            return
        self.gate.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server._lock:
                    server.fetches += 1
                server.arrived.set()
                server.gate.wait(timeout=30)
                if self.path != JWKS_PATH or server.failing:
                    self.send_error(404 if self.path != JWKS_PATH else 503)
                    return
                body = json.dumps({"keys": server.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with suppress(ConnectionError):  # a client that gave up waiting
                    self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test counts requests itself."""

        return Handler


@contextmanager
def serving(*signers: Signer) -> Iterator[JwksServer]:
    """A `JwksServer` publishing `signers`, stopped afterwards."""
    server = JwksServer()
    server.publish(*signers)
    server.start()
    try:
        yield server
    finally:
        server.stop()
