"""A small remote fediverse server on loopback for the inbox and delivery tests: it serves
actor documents with their keys and records (and answers) the POSTs it receives."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from samizdat.federation import signatures


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


class RemoteServer:
    def __init__(self):
        self.actors: dict[str, dict] = {}  # path → document
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.received: list[dict] = []
        self.statuses: list[int] = []  # answers for the next POSTs (then 202)
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                document = server.actors.get(self.path.split("?")[0])
                if document is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                body = json.dumps(document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with server.lock:
                    status = server.statuses.pop(0) if server.statuses else 202
                    server.received.append(
                        {
                            "path": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "body": body,
                            "json": json.loads(body or b"null"),
                            "status": status,
                        }
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def add_actor(self, name: str, shared_inbox: bool = True) -> str:
        key = new_key()
        uri = f"{self.url}/users/{name}"
        document = {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": uri,
            "type": "Person",
            "preferredUsername": name,
            "inbox": f"{uri}/inbox",
            "publicKey": {"id": f"{uri}#main-key", "owner": uri, "publicKeyPem": public_pem(key)},
        }
        if shared_inbox:
            document["endpoints"] = {"sharedInbox": f"{self.url}/inbox"}
        self.actors[f"/users/{name}"] = document
        self.keys[uri] = key
        return uri

    def signed(self, uri: str, url: str, body: bytes, **kwargs) -> dict[str, str]:
        return signatures.sign("POST", url, self.keys[uri], f"{uri}#main-key", body, **kwargs)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
