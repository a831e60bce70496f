#!/usr/bin/env bash
# Outside checks of meetmatch (run by `make security-scan`; slow, so not part of `make test`):
#   1. bandit on the source (no findings allowed; each justified exception carries `# nosec`);
#   2. pip-audit on a requirements export of the installed packages (needs the PyPI/OSV
#      vulnerability service; where that cannot be reached it says so and the scan goes on);
#   3. a production-mode instance (gunicorn, 4 workers, SQLite, demo data) on 127.0.0.1, scanned
#      by Debian's wapiti (logged in as the organiser, plus an attendee's manage page) and by
#      sqlmap against the registration and login forms.
# Installs wapiti and sqlmap with apt-get when missing. Reports go to $OUT (default
# bench/security-report/). Exit status: 0 when nothing above informational was found.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN=${BIN:-$ROOT/.venv/bin}
OUT=${OUT:-$ROOT/bench/security-report}
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
SCAN_MINUTES=${SCAN_MINUTES:-15}
BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d)
mkdir -p "$OUT"
findings=0
say() { printf '\n== %s\n' "$*"; }

# 1. bandit ---------------------------------------------------------------------------------
say "bandit -r meetmatch"
[ -x "$BIN/bandit" ] || "$BIN/pip" install --quiet bandit
if "$BIN/bandit" -r meetmatch -q -f txt -o "$OUT/bandit.txt" 2>/dev/null; then
  echo "bandit: no findings"
else
  echo "bandit: FINDINGS (see $OUT/bandit.txt)"; cat "$OUT/bandit.txt"; findings=$((findings + 1))
fi

# 2. pip-audit ------------------------------------------------------------------------------
say "pip-audit against a requirements export"
[ -x "$BIN/pip-audit" ] || "$BIN/pip" install --quiet pip-audit
"$BIN/pip" freeze --exclude-editable | grep -v ' @ file:' > "$OUT/requirements-export.txt"
"$BIN/pip-audit" -r "$OUT/requirements-export.txt" --no-deps --disable-pip \
  --progress-spinner off > "$OUT/pip-audit.txt" 2>&1
audit=$?
unchecked=$(grep -c "could not be audited" "$OUT/pip-audit.txt")
if grep -q "ConnectionError\|Failed to resolve" "$OUT/pip-audit.txt" || [ "$unchecked" -gt 0 ]; then
  echo "pip-audit: could NOT check $unchecked of $(wc -l < "$OUT/requirements-export.txt") packages"
  echo "  (the vulnerability service is unreachable or does not know these versions); run it"
  echo "  where pypi.org and api.osv.dev are reachable. See $OUT/pip-audit.txt"
fi
if [ $audit -eq 0 ]; then
  echo "pip-audit: no known vulnerabilities in the packages it could check"
elif grep -q "Found [0-9]* known vulnerabilit" "$OUT/pip-audit.txt"; then
  echo "pip-audit: VULNERABLE packages:"; cat "$OUT/pip-audit.txt"; findings=$((findings + 1))
fi

# 3. a running production-mode instance ----------------------------------------------------
for tool in wapiti sqlmap; do
  command -v "$tool" >/dev/null || { say "installing $tool (apt-get)"; apt-get install -y -q "$tool" >/dev/null; }
done
export MEETMATCH_ENV=production MEETMATCH_INSTANCE_PATH="$WORK/instance"
export DATABASE_URL="sqlite:///$WORK/instance/meetmatch.sqlite"
export SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_hex(32))')
export MEETMATCH_SESSION_COOKIE_SECURE=false  # plain HTTP on loopback
export MEETMATCH_RATELIMIT_ENABLED=false      # the scanners would only see 429s
export MEETMATCH_PUBLIC_BASE_URL="$BASE"
mkdir -p "$WORK/instance"
"$BIN/meetmatch" db upgrade >/dev/null 2>&1
PASSWORD=$("$BIN/meetmatch" seed-demo --force | sed -n 's/^Organiser login: .* \/ //p')
MANAGE=$("$BIN/python" - <<'EOF' | grep "^http" | tail -1
from meetmatch import create_app
from meetmatch.extensions import db
from meetmatch.models import Attendee
from meetmatch.registration import issue_manage_link
with create_app().app_context():
    attendee = db.session.execute(db.select(Attendee).limit(1)).scalar_one()
    url = issue_manage_link(attendee, "security-scan")
    db.session.commit()
    print(url)
EOF
)
say "gunicorn (4 workers, production mode) on $BASE"
"$BIN/gunicorn" --workers 4 --bind "127.0.0.1:$PORT" --timeout 60 wsgi:app > "$OUT/gunicorn.log" 2>&1 &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null; wait $GUNICORN 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -fs "$BASE/" >/dev/null && break; sleep 0.2; done
curl -fs "$BASE/e/demo" >/dev/null || { echo "the instance did not start:"; cat "$OUT/gunicorn.log"; exit 2; }
[ -n "$PASSWORD" ] && [ -n "$MANAGE" ] || { echo "could not load the demo data"; exit 2; }

# The organiser's session cookie, logged in through the real form, in wapiti's cookie format.
"$BIN/python" - "$BASE" "$PASSWORD" "$WORK/cookies.json" <<'EOF'
import http.cookiejar, json, re, sys, urllib.parse, urllib.request
base, password, path = sys.argv[1:]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
page = opener.open(base + "/organiser/login").read().decode()
token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
data = urllib.parse.urlencode({"csrf_token": token, "email": "organiser@example.com",
                               "password": password}).encode()
landing = opener.open(base + "/organiser/login", data).geturl()
assert "/login" not in landing, "could not log in as the demo organiser"
cookies = {c.name: {"value": c.value, "version": 0, "secure": False, "expires": None, "port": None}
           for c in jar}
json.dump({"127.0.0.1": {"/": cookies}}, open(path, "w"))
EOF

say "wapiti (at most $SCAN_MINUTES minutes)"
# Debian's wapiti 3.0.4 cannot compile its -x patterns on Python 3.11 (a global regex flag at
# the end of the pattern): run it with that one function fixed, so that the crawler never logs
# out or deletes the event it is scanning.
cat > "$WORK/wapiti.py" <<'EOF'
import re, sys
from wapitiCore.net import crawler
def wildcard_translate(pattern):
    return re.compile("(?ms)" + "".join(".*" if c == "*" else re.escape(c) for c in pattern) + r"\Z")
crawler.wildcard_translate = wildcard_translate
from wapitiCore.main.wapiti import wapiti_main
sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
EOF
/usr/bin/python3 "$WORK/wapiti.py" -u "$BASE/" --scope folder -c "$WORK/cookies.json" \
  -s "$BASE/organiser/" -s "$BASE/organiser/events/demo" -s "$MANAGE" -s "$BASE/e/demo" \
  -s "$BASE/e/demo/register" \
  -x "$BASE/organiser/logout" -x "$BASE/*delete*" -x "$BASE/*revoke-links*" \
  -m "sql,blindsql,xss,permanentxss,exec,file,crlf,redirect,ssrf,xxe,htaccess,methods" \
  -d 4 --max-links-per-page 40 --max-files-per-dir 30 --max-parameters 15 \
  --max-scan-time $((SCAN_MINUTES * 60)) --max-attack-time 60 -t 30 \
  --flush-session -f json -o "$OUT/wapiti.json" --no-bugreport > "$OUT/wapiti.log" 2>&1
"$BIN/python" - "$OUT/wapiti.json" <<'EOF' || findings=$((findings + 1))
import json, sys
report = json.load(open(sys.argv[1]))
info = report.get("infos", {})
print(f"wapiti scanned {info.get('target')} ({info.get('version')})")
bad = 0
for section in ("vulnerabilities", "anomalies"):
    for name, items in sorted(report.get(section, {}).items()):
        if items:
            print(f"  {section[:-1]}: {name}: {len(items)}")
            for item in items[:5]:
                print(f"     {item.get('method')} {item.get('path')}  {item.get('info', '')[:150]}")
            bad += len(items)
for name, items in sorted(report.get("additionals", {}).items()):
    if items:
        print(f"  informational: {name}: {len(items)}")
print(f"wapiti: {bad} finding(s) above informational")
sys.exit(1 if bad else 0)
EOF
grep -a "URLs and forms during the scan" "$OUT/wapiti.log" | sed 's/^\[\*\] /  /'

for form in "/e/demo/register" "/organiser/login"; do
  say "sqlmap --forms on $form"
  sqlmap -u "$BASE$form" --forms --batch --csrf-token=csrf_token --level=1 --risk=1 \
    --output-dir="$WORK/sqlmap" > "$OUT/sqlmap$(echo "$form" | tr / _).log" 2>&1
  log="$OUT/sqlmap$(echo "$form" | tr / _).log"
  if ! grep -q "testing '" "$log"; then
    echo "sqlmap: did not test anything (see $log)"; findings=$((findings + 1))
  elif grep -qiE "is vulnerable|injectable\)|sqlmap identified the following injection" "$log"; then
    echo "sqlmap: INJECTION FOUND (see $log)"; findings=$((findings + 1))
  else
    echo "sqlmap tested $(grep -c "testing '" "$log") technique(s) on the form's parameters:"
    grep -iE "do not appear to be injectable|does not seem to be injectable" "$log" \
      | sed 's/^\[[0-9:]*\] //' | sort | uniq -c | head -8
    echo "sqlmap: no injection found"
  fi
done

say "summary"
echo "server errors logged during the scan: $(grep -c 'Traceback' "$OUT/gunicorn.log" || true)"
echo "$findings check(s) with findings above informational. Reports in $OUT/"
exit $((findings > 0))
