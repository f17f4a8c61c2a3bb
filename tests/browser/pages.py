"""Steps the browser tests share: signing in and out of the portal in Chromium."""

PASSWORD = "test-pass-123"  # the factories' password


def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def sign_out(page, base_url: str) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base_url}/accounts/login/")
