"""The API's documentation page (/api/docs) works in Chromium under the site's CSP: Swagger UI
loads from the app's own static files, nothing is refused by the policy, and the operations
are listed."""


def test_the_api_documentation_renders_under_the_csp(page, live_server):
    console, violations = [], []
    page.on("console", lambda message: console.append((message.type, message.text)))
    page.on("pageerror", lambda error: console.append(("pageerror", str(error))))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    response = page.goto(f"{live_server.url}/api/docs")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]

    page.locator(".swagger-ui .opblock").first.wait_for(state="visible")
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("Kommunekompass API")
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/evaluations/{evaluation_id}/scores/{question_code}" in [
        s.replace("\u200b", "") for s in summaries
    ]
    violations = page.evaluate("window.__csp || []")
    assert violations == []
    problems = [
        text
        for kind, text in console
        if kind in ("error", "pageerror") or "Content Security Policy" in text
    ]
    assert problems == []

    # an operation opens with its parameters and answers
    page.locator(".opblock-put .opblock-summary").first.click()
    page.locator(".opblock-put .responses-wrapper").first.wait_for(state="visible")
