"""Many simultaneous registrations through a real gunicorn with several workers (issue 2).

No request may fail (no "database is locked" on SQLite), no registration may be lost and no
email may be stored twice, even when the same person submits twice at the same moment.
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from meetmatch.config import normalise_database_url

from .helpers import gunicorn, meetmatch_cli, seed_demo, server_env

PEOPLE = 40
DUPLICATES = 8  # people who press "Register" twice at once
THREADS = 8


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def register(base: str, n: int) -> tuple[int, str]:
    """One browser session: load the form (CSRF cookie and token), then submit it."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    with opener.open(f"{base}/e/demo/register", timeout=60) as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    topics = re.findall(r'name="offers" type="checkbox" value="(\d+)"', page)
    data = urllib.parse.urlencode({
        "csrf_token": token, "name": f"Load Tester {n}", "email": f"load{n % PEOPLE}@example.com",
        "organisation": f"Org {n}", "offers": topics[n % len(topics)], "needs": topics[(n + 3) % len(topics)],
        "rounds": ["1", "2", "3"], "consent": "y",
    }, doseq=True).encode()
    try:
        with opener.open(f"{base}/e/demo/register", data=data, timeout=60) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:  # 302 arrives here because redirects are not followed
        body = error.read().decode()
        problem = re.search(r'class="errors-summary".*?</div>|<h1>.*?</h1>', body, re.S)
        return error.code, error.headers.get("Location", "") or (problem.group(0) if problem else body[:300])


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_simultaneous_registrations_under_gunicorn(database_url, db_kind, tmp_path):
    env = server_env(database_url, tmp_path)
    meetmatch_cli(env, "db", "upgrade")  # the schema as production gets it: through migrations
    seed_demo(database_url, tmp_path)
    log = tmp_path / "gunicorn.log"
    with gunicorn(env, log, workers=3) as base:
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(lambda n: register(base, n), range(PEOPLE + DUPLICATES)))
    errors = [r for r in results if r[0] != 302]
    assert errors == [], errors
    # A repeated registration is answered exactly like a new one (nobody can learn who is
    # registered); the repeat is mailed the link instead of a second confirmation.
    assert [loc for _, loc in results] == ["/e/demo/registered"] * (PEOPLE + DUPLICATES)

    engine = sa.create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        emails = conn.execute(sa.text("SELECT email FROM attendee WHERE email LIKE 'load%'")).scalars().all()
        kinds = conn.execute(sa.text(
            "SELECT kind, count(*) FROM outbox_message GROUP BY kind ORDER BY kind")).all()
        if db_kind == "sqlite":
            assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()
    assert sorted(emails) == sorted(f"load{n}@example.com" for n in range(PEOPLE))  # none lost, none twice
    assert dict(kinds) == {"registration_confirmation": PEOPLE, "manage_link": DUPLICATES}
    text = log.read_text()
    assert "Traceback" not in text and "locked" not in text, text[-3000:]
