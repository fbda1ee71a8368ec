#!/usr/bin/python3
"""Test keys and tokens for the HyperSpot integration tests, made with an
implementation independent of ours (PyJWT + cryptography, Debian's
python3-jwt).

    mint_jwt.py keys DIR     writes DIR/jwks.json (RSA "rsa1", EC "ec1",
                             oct "hs1"), DIR/jwks2.json (RSA "rsa2" only),
                             the private keys, and DIR/other.pem (an RSA
                             key in no key set)
    mint_jwt.py tokens DIR   reads one JSON spec per line on stdin, prints
                             one token per line:
        {"claims": {...}, "alg": "RS256", "key": "rsa1", "kid": "rsa1",
         "header": {...}}
        key: rsa1 rsa2 ec1 hs1 other, or "rsa1-public-as-hs" (HS256 signed
        with the RSA public key's PEM, the classic confusion attack), or
        "none" (an unsigned token, alg "none"); kid null leaves it out.
"""

import base64
import json
import os
import sys

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def b64(n, size=None):
    raw = n.to_bytes(size or (n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def pem(key):
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def rsa_jwk(key, kid):
    pub = key.public_key().public_numbers()
    return {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
            "n": b64(pub.n), "e": b64(pub.e)}


def keys(d):
    os.makedirs(d, exist_ok=True)
    r1 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    r2 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    e1 = ec.generate_private_key(ec.SECP256R1())
    secret = os.urandom(32)

    for name, k in (("rsa1", r1), ("rsa2", r2), ("other", other),
                    ("ec1", e1)):
        with open(os.path.join(d, name + ".pem"), "wb") as f:
            f.write(pem(k))

    with open(os.path.join(d, "hs1.key"), "wb") as f:
        f.write(secret)

    with open(os.path.join(d, "rsa1.pub"), "wb") as f:
        f.write(r1.public_key().public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo))

    en = e1.public_key().public_numbers()
    set1 = {"keys": [
        rsa_jwk(r1, "rsa1"),
        {"kty": "EC", "kid": "ec1", "use": "sig", "alg": "ES256",
         "crv": "P-256", "x": b64(en.x, 32), "y": b64(en.y, 32)},
        {"kty": "oct", "kid": "hs1", "use": "sig", "alg": "HS256",
         "k": base64.urlsafe_b64encode(secret).rstrip(b"=").decode()},
    ]}
    with open(os.path.join(d, "jwks.json"), "w") as f:
        json.dump(set1, f)
    with open(os.path.join(d, "jwks2.json"), "w") as f:
        json.dump({"keys": [rsa_jwk(r2, "rsa2")]}, f)


def load(d, name):
    if name == "hs1":
        with open(os.path.join(d, "hs1.key"), "rb") as f:
            return f.read()
    with open(os.path.join(d, name + ".pem"), "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def unsigned(header, claims):
    def part(o):
        raw = json.dumps(o, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return part(header) + "." + part(claims) + "."


def token(d, spec):
    claims = spec.get("claims", {})
    alg = spec.get("alg", "RS256")
    key = spec.get("key", "rsa1")
    header = dict(spec.get("header", {}))
    kid = spec.get("kid", key)
    if kid is not None:
        header.setdefault("kid", kid)

    if key == "none":
        header["alg"] = "none"
        header.setdefault("typ", "JWT")
        return unsigned(header, claims)

    if key == "rsa1-public-as-hs":
        # PyJWT refuses a PEM as an HMAC secret: sign by hand
        import hashlib
        import hmac
        with open(os.path.join(d, "rsa1.pub"), "rb") as f:
            secret = f.read()
        header["alg"] = "HS256"
        header.setdefault("typ", "JWT")
        signing = unsigned(header, claims)[:-1]
        mac = hmac.new(secret, signing.encode(), hashlib.sha256).digest()
        return signing + "." + \
            base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    return jwt.encode(claims, load(d, key), algorithm=alg, headers=header)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("keys", "tokens"):
        sys.exit(__doc__)

    if sys.argv[1] == "keys":
        keys(sys.argv[2])
        return

    for line in sys.stdin:
        line = line.strip()
        if line:
            print(token(sys.argv[2], json.loads(line)), flush=True)


if __name__ == "__main__":
    main()
