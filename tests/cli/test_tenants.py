from tests.cli.conftest import Invoke, as_json


def test_tenant_lifecycle(invoke: Invoke) -> None:
    created = as_json(invoke("tenants", "create", "acme", "--name", "Acme", "--json"))
    assert created["slug"] == "acme"
    invoke("tenants", "create", "beta", "--name", "Beta")
    listed = as_json(invoke("tenants", "list", "--json"))
    assert [t["slug"] for t in listed] == ["acme", "beta"]
    assert as_json(invoke("tenants", "show", created["id"], "--json"))["name"] == "Acme"
    updated = as_json(invoke("tenants", "update", "acme", "--name", "Acme Ltd", "--json"))
    assert updated["name"] == "Acme Ltd"
    out = invoke("tenants", "delete", "beta", "--yes").stdout
    assert "deleted tenant beta" in out
    assert [t["slug"] for t in as_json(invoke("tenants", "list", "--json"))] == ["acme"]


def test_table_output_has_header_and_rows(invoke: Invoke) -> None:
    invoke("tenants", "create", "acme", "--name", "Acme")
    lines = invoke("tenants", "list").stdout.splitlines()
    assert lines[0].split() == ["ID", "SLUG", "NAME", "CREATED_AT"]
    assert "acme" in lines[1]


def test_errors_are_one_line_without_traceback(invoke: Invoke) -> None:
    invoke("tenants", "create", "acme", "--name", "Acme")
    dup = invoke("tenants", "create", "acme", "--name", "Again", ok=False)
    assert dup.exit_code == 1
    assert dup.stderr.strip() == "error: tenant slug 'acme' is taken"
    bad = invoke("tenants", "create", "Bad Slug", "--name", "x", ok=False)
    assert bad.exit_code == 1
    assert bad.stderr.startswith("error: invalid input (slug:")
    missing = invoke("tenants", "show", "ghost", ok=False)
    assert missing.stderr.strip() == "error: tenant 'ghost' not found"
    for result in (dup, bad, missing):
        assert "Traceback" not in result.output


def test_delete_needs_confirmation_and_cascade(invoke: Invoke) -> None:
    invoke("tenants", "create", "acme", "--name", "Acme")
    invoke("configs", "create", "--tenant", "acme", "--provider", "example",
           "--secret", "api_key=k-123456")
    refused = invoke("tenants", "delete", "acme", ok=False)
    assert "pass --yes" in refused.stderr
    blocked = invoke("tenants", "delete", "acme", "--yes", ok=False)
    assert "still has 1 config" in blocked.stderr
    invoke("tenants", "delete", "acme", "--yes", "--cascade")
    assert as_json(invoke("configs", "list", "--json")) == []
