"""Every API error answers in one JSON shape; the health check needs no sign-in."""


def test_health_answers_when_the_database_does(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"]["code"] == "not_found"


def test_wrong_method_is_a_json_405_saying_which_are_allowed(client):
    response = client.post("/api/v1/health")
    assert response.status_code == 405
    assert response.get_json()["error"] == {
        "code": "method_not_allowed",
        "message": response.get_json()["error"]["message"],
    }
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"GET"}


def test_a_web_405_is_a_page_saying_which_methods_are_allowed(client):
    response = client.put("/login")
    assert response.status_code == 405 and "text/html" in response.content_type
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"GET", "POST"}


def test_web_404_is_a_page_not_json(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "text/html" in response.content_type
