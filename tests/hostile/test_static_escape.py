"""The portal's static files: no request target reaches a file outside --web-dir (tests/api only
checks that the portal is served)."""

import os
import tempfile

import pytest

from conftest import Server, assert_still_serving, send_raw

SECRET = b"TOP-SECRET-OUTSIDE-THE-PORTAL"


@pytest.fixture(scope="module")
def portal():
    """A server whose --web-dir is <tmp>/www/dist, with secrets next to and above it."""
    with tempfile.TemporaryDirectory(prefix="jitgate-hostile-web-") as d:
        dist = os.path.join(d, "www", "dist")
        os.makedirs(os.path.join(dist, "assets"))
        os.makedirs(os.path.join(d, "secret"))
        with open(os.path.join(dist, "index.html"), "wb") as f:
            f.write(b"<!doctype html>PORTAL-INDEX")
        with open(os.path.join(dist, "assets", "app.js"), "wb") as f:
            f.write(b"PORTAL-APP")
        for p in (os.path.join(d, "secret", "s.txt"), os.path.join(d, "www", "s.txt"),
                  os.path.join(d, "www", "dist.txt")):
            with open(p, "wb") as f:
                f.write(SECRET)
        os.symlink(os.path.join(d, "secret", "s.txt"), os.path.join(dist, "link.txt"))
        os.symlink(os.path.join(d, "secret"), os.path.join(dist, "assets", "dirlink"))
        s = Server(d, args=["--web-dir", dist])
        s.start()
        yield s
        s.stop()


def get(server, target):
    raw = send_raw(server.port, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    return raw.responses()


def test_portal_files_are_served(portal):
    assert get(portal, b"/")[0][::2] == (200, b"<!doctype html>PORTAL-INDEX")
    assert get(portal, b"/assets/app.js")[0][::2] == (200, b"PORTAL-APP")


ESCAPES = [
    b"/../s.txt", b"/../secret/s.txt", b"/../../etc/passwd", b"/assets/../../s.txt",
    b"/%2e%2e/s.txt", b"/%2E%2E/s.txt", b"/.%2e/s.txt", b"/%2e./s.txt", b"/..%2fs.txt",
    b"/%2e%2e%2fs.txt", b"/assets/%2e%2e%2f%2e%2e%2fs.txt", b"/assets%2f..%2f..%2fs.txt",
    b"/%252e%252e/s.txt", b"/..%252fs.txt",
    b"//etc/passwd", b"/%2fetc%2fpasswd", b"/etc/passwd", b"http://x/../s.txt", b"http://x/%2e%2e/s.txt",
    b"/..\\s.txt", b"/%5c..%5cs.txt", b"/..%5cs.txt", b"/\\..\\s.txt",
    b"/s.txt%00", b"/index.html%00/../../s.txt", b"/%00../s.txt",
    b"/%c0%ae%c0%ae/s.txt", b"/%c0%ae%c0%ae%c0%afs.txt", b"/%e0%80%ae%e0%80%ae/s.txt",
    b"/%c1%9c..%c1%9cs.txt", b"/..%c0%afs.txt", b"/%f0%80%80%ae%f0%80%80%ae/s.txt",
    b"/..;/s.txt", b"/./../s.txt", b"/assets/./../../s.txt", b"/link.txt", b"/assets/dirlink/s.txt",
    b"/" + b"../" * 40 + b"etc/passwd",
]


@pytest.mark.parametrize("target", ESCAPES, ids=[t.decode("latin-1") for t in ESCAPES])
def test_no_escape_from_web_dir(portal, target):
    responses = get(portal, target)
    assert responses, "no answer"
    status, head, body = responses[0]
    assert SECRET not in body, f"{target!r} served a file outside --web-dir"
    assert b"root:" not in body, f"{target!r} served /etc/passwd"
    assert status in (200, 400, 404), (status, body[:200])
    if status == 200:  # a client-side route: the portal's index, nothing else
        assert body == b"<!doctype html>PORTAL-INDEX", body[:200]
    assert_still_serving(portal)
