"""Screenshots of every monitoring page of the demo, at 1280 and 390 px, and the report's pages as PNGs.

    export HAVEN_VAR_DIR=/tmp/demo
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python manage.py runserver 127.0.0.1:8123 &
    .venv/bin/python scripts/monitoring-screenshots.py http://127.0.0.1:8123 test-artifacts/monitoring

Signs in as the demo's policy officers (`regio`, `gemeente`, `bestuur`) and the AF (`af`, with the
demo's TOTP secret), opens the monitoring in school years and in calendar years, the import page,
and downloads the PDF report of each (turned into PNGs with `pdftoppm`). For people to look at,
as a policy officer would: nothing here asserts anything.
"""

import base64
import hashlib
import hmac
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

PASSWORD = "haven-demo-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
READERS = ("regio", "gemeente", "bestuur", "af")


def totp(secret: str, step: int = 30, digits: int = 6) -> str:
    key = base64.b32decode(secret)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/inloggen/")
    form = page.locator("main form[method=post]").first
    form.locator("input[name='auth-username']").fill(username)
    form.locator("input[name='auth-password']").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    token = page.locator("input[name='token-otp_token']")
    try:
        token.wait_for(timeout=3000)
    except Exception:  # noqa: BLE001, S110 - no second step for this role
        pass
    else:
        token.fill(totp(TOTP_SECRET))
        page.locator("main form[method=post]").first.locator("button[type=submit]").click()
    page.locator("header form[action$='/uitloggen/']").wait_for()


def main(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        for reader in READERS:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
            page = context.new_page()
            sign_in(page, base, reader)
            pages = {"schooljaar": "/inzicht/", "kalenderjaar": "/inzicht/?soort=kalenderjaar"}
            if reader in ("regio", "gemeente"):
                pages["import"] = "/inzicht/publieke-cijfers/"
            for name, path in pages.items():
                for width in (1280, 390):
                    page.set_viewport_size({"width": width, "height": 900})
                    page.goto(base + path)
                    page.screenshot(path=str(out / f"{reader}-{name}-{width}.png"), full_page=True)
            response = page.request.get(f"{base}/inzicht/rapport.pdf")
            pdf = out / f"{reader}-rapport.pdf"
            pdf.write_bytes(response.body())
            # Our own file names, and Debian's poppler-utils on the PATH (installed by ensure-test-system.sh).
            subprocess.run(  # noqa: S603
                ["pdftoppm", "-png", "-r", "70", str(pdf), str(out / f"{reader}-rapport")],  # noqa: S607
                check=True,
            )
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), Path(sys.argv[2]))
