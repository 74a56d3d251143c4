"""Operations: health, readiness, Prometheus metrics, the OpenAPI document, the portal."""

import re
import time

import pytest

from conftest import fmt_ts, now_ms

# Every path of API.md, written in full, with the methods it documents.
API_PATHS = {
    "/api/v1/users": {"get", "post"},
    "/api/v1/users/{id}": {"get", "patch", "delete"},
    "/api/v1/users/{id}/access": {"get"},
    "/api/v1/me": {"get"},
    "/api/v1/me/access": {"get"},
    "/api/v1/agent-pool": {"get", "post"},
    "/api/v1/agent-pool/{id}": {"get", "patch", "delete"},
    "/api/v1/groups": {"get", "post"},
    "/api/v1/groups/{id}": {"get", "patch", "delete"},
    "/api/v1/jit-access": {"get", "post"},
    "/api/v1/jit-access/{id}": {"get", "delete"},
    "/api/v1/access/check": {"get", "post"},
    "/api/v1/api-keys": {"get", "post"},
    "/api/v1/api-keys/{id}": {"delete"},
    "/api/v1/auth/login": {"post"},
    "/api/v1/auth/logout": {"post"},
    "/api/v1/audit-events": {"get"},
    "/api/v1/audit-events/verify": {"get"},
}
OPS_PATHS = {"/healthz": {"get"}, "/readyz": {"get"}, "/metrics": {"get"},
             "/api/openapi.json": {"get"}}

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """Prometheus text -> list of (name, {label: value}, float)."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a Prometheus sample line: {line!r}"
        labels = dict(LABEL.findall(m.group(3) or ""))
        out.append((m.group(1), labels, float(m.group(4))))
    return out


def metrics(server):
    r = server.client().get("/metrics")
    assert r.status == 200, r
    ctype = r.header("Content-Type") or ""
    assert ctype.startswith("text/plain"), ctype
    return r.body.decode(), parse_metrics(r.body.decode())


def test_healthz_readyz_without_credentials(server):
    anon = server.client()
    assert anon.get("/healthz").status == 200
    assert anon.get("/readyz").status == 200


def test_metrics_requests_and_latency(server, admin):
    for _ in range(3):
        admin.get("/me")
    text, samples = metrics(server)
    assert "# TYPE" in text
    hist = [s for s in samples if s[0].endswith("_bucket") and "le" in s[1]]
    assert hist, "no latency histogram (_bucket with le=)"
    assert any(s[1]["le"] == "+Inf" for s in hist)
    counters = [s for s in samples if any(k in ("status", "code") for k in s[1])
                and any(k in ("route", "path", "handler") for k in s[1])]
    assert counters, "no request count by route and status"
    assert any(s[1].get("status", s[1].get("code")) == "200" and s[2] >= 3 for s in counters)
    route_values = {v for s in counters for k, v in s[1].items() if k in ("route", "path",
                                                                          "handler")}
    assert any("/me" in v for v in route_values), route_values


def _sum(samples, pred):
    return sum(v for name, labels, v in samples if pred(name, labels))


def _is_check_metric(name, labels):
    return "check" in name and not name.endswith(("_bucket", "_sum", "_count")) and \
        "request" not in name and not any(k in ("route", "path") for k in labels)


def _decision(name, labels):
    text = (name + " " + " ".join(f'{k}="{v}"' for k, v in labels.items())).lower()
    if "den" in text or 'allowed="false"' in text:
        return "denied"
    if "allow" in text:
        return "allowed"
    return None


def test_metrics_checks_and_active_grants(server_factory):
    s = server_factory()
    admin = s.admin()
    u, p, q = admin.create_user(), admin.create_pool(), admin.create_pool()
    admin.create_grant([p["id"]], [u["id"]])
    g2 = admin.create_grant([q["id"]], [u["id"]])
    admin.create_grant([q["id"]], [u["id"]])
    assert admin.delete(f"/jit-access/{g2['id']}").status == 204

    _, before = metrics(s)
    for _ in range(3):
        assert admin.check(u["id"], p["id"])["allowed"] is True
    for _ in range(2):
        assert admin.check(u["id"], p["id"], "IGNORE_QUOTA")["allowed"] is False
    _, after = metrics(s)

    def delta(kind):
        pred = lambda n, l: _is_check_metric(n, l) and _decision(n, l) == kind  # noqa: E731
        return _sum(after, pred) - _sum(before, pred)

    assert delta("allowed") == 3, "checks allowed counter"
    assert delta("denied") == 2, "checks denied counter"

    active = [v for n, l, v in after if "active" in n and "grant" in n
              and not n.endswith(("_bucket", "_sum", "_count", "_created"))]
    assert active == [2.0], f"active grants gauge should be 2: {active}"


def test_metrics_expirations(server_factory):
    s = server_factory()
    admin = s.admin()
    u, p = admin.create_user(), admin.create_pool()
    # Far enough ahead that a loaded machine reads the metrics before the grant expires.
    admin.create_grant([p["id"]], [u["id"]], expiration={"at": fmt_ts(now_ms() + 2000)})
    _, samples = metrics(s)

    def expirations(smp):
        return _sum(smp, lambda n, l: "expir" in n and not n.endswith(("_bucket", "_sum",
                                                                       "_created")))

    assert expirations(samples) == 0
    deadline = time.time() + 6.0
    while time.time() < deadline and expirations(metrics(s)[1]) < 1:
        time.sleep(0.1)
    assert expirations(metrics(s)[1]) == 1, "expirations processed counter"


def test_openapi_document(server):
    r = server.client().get("/api/openapi.json")
    assert r.status == 200, r
    assert (r.header("Content-Type") or "").startswith("application/json")
    doc = r.json()
    assert str(doc.get("openapi", "")).startswith("3."), doc.get("openapi")
    assert "info" in doc and "paths" in doc
    paths = {re.sub(r"\{[^}]+\}", "{id}", k): v for k, v in doc["paths"].items()}
    missing = [p for p in API_PATHS if p not in paths]
    assert not missing, f"paths missing from openapi.json: {missing}"
    wrong = {p: (sorted(m), sorted(k for k in paths[p] if k in
                                   ("get", "post", "put", "patch", "delete")))
             for p, m in API_PATHS.items() if not m <= set(paths[p])}
    assert not wrong, f"methods missing: {wrong}"


def test_openapi_documents_operations_paths(server):
    doc = server.client().get("/api/openapi.json").json()
    paths = set(doc["paths"])
    missing = [p for p in OPS_PATHS if p not in paths]
    assert not missing, f"operations paths missing from openapi.json: {missing}"


@pytest.mark.parametrize("path", ["/", "/grants", "/some/portal/page"])
def test_portal_served_for_non_api_paths(server, path):
    r = server.client().request("GET", path, absolute=True)
    assert r.status == 200, r
    assert (r.header("Content-Type") or "").startswith("text/html"), r.headers


def _resolve(doc, schema):
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def _success_schema(doc, path, method):
    op = doc["paths"][path][method]
    for status in ("200", "201"):
        if status in op.get("responses", {}):
            content = op["responses"][status].get("content", {})
            js = content.get("application/json") or next(iter(content.values()), None)
            assert js and "schema" in js, f"{method} {path} {status} has no JSON schema"
            return _resolve(doc, js["schema"])
    raise AssertionError(f"{method} {path}: no 200/201 response documented")


def _conforms(doc, schema, value, where):
    schema = _resolve(doc, schema)
    if isinstance(value, dict) and "properties" in schema:
        props = set(schema["properties"])
        assert set(schema.get("required", [])) <= set(value), \
            f"{where}: required {sorted(set(schema.get('required', [])) - set(value))} missing"
        assert set(value) <= props, f"{where}: undocumented fields {sorted(set(value) - props)}"
        for k, v in value.items():
            _conforms(doc, schema["properties"][k], v, f"{where}.{k}")
    elif isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value[:3]):
            _conforms(doc, schema["items"], v, f"{where}[{i}]")


def test_openapi_schemas_match_live_responses(server, admin):
    doc = server.client().get("/api/openapi.json").json()
    u = admin.create_user()
    p = admin.create_pool()
    g = admin.create_group(member_ids=[u["id"]], pool_access=[(p["id"], "STANDARD")])
    grant = admin.create_grant([p["id"]], [u["id"]])
    key = admin.ok("POST", "/api-keys", 201, body={"label": "doc"})
    live = [
        ("/api/v1/users/{id}", "get", admin.ok("GET", f"/users/{u['id']}")),
        ("/api/v1/users", "get", admin.ok("GET", "/users")),
        ("/api/v1/agent-pool/{id}", "get", admin.ok("GET", f"/agent-pool/{p['id']}")),
        ("/api/v1/groups/{id}", "get", admin.ok("GET", f"/groups/{g['id']}")),
        ("/api/v1/jit-access", "post", grant),
        ("/api/v1/jit-access", "get", admin.ok("GET", "/jit-access")),
        ("/api/v1/api-keys", "post", key),
        ("/api/v1/api-keys", "get", admin.ok("GET", "/api-keys")),
        ("/api/v1/access/check", "get", admin.check(u["id"], p["id"])),
        ("/api/v1/users/{id}/access", "get", admin.ok("GET", f"/users/{u['id']}/access")),
        ("/api/v1/audit-events", "get", admin.ok("GET", "/audit-events")),
        ("/api/v1/audit-events/verify", "get", admin.ok("GET", "/audit-events/verify")),
        ("/api/v1/me", "get", admin.ok("GET", "/me")),
    ]
    paths = {re.sub(r"\{[^}]+\}", "{id}", k): k for k in doc["paths"]}
    for path, method, value in live:
        schema = _success_schema(doc, paths[path], method)
        _conforms(doc, schema, value, f"{method.upper()} {path}")
