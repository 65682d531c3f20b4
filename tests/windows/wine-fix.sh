# wine-fix.sh - (5) `wudiag.exe fix` under Wine, sourced by wine-tests.sh (it
# uses check, winpath, $exe, $work, $here and WINEPREFIX from there). Wine runs
# real services: wuauserv and BITS are Wine's own; UsoSvc, CryptSvc and
# TrustedInstaller (which Wine lacks) are testsvc.exe, a tiny service built
# here that can also refuse to stop. Stages: refusal without elevation (a
# process with Wine's limited token), --dry-run changes nothing, --yes carries
# out enable-service, restart-services and reset-components (a start type
# changed, services stopped and started through the SCM, the update caches
# renamed), the journal, the report of the fixed PC, --undo (refused for a
# folder Windows refilled, then --force), a service that will not stop
# stopping the plan, a second run refused while one is in progress, and a
# killed run marked interrupted by the next.
#
# Wine has no update history or event log API, so no live finding there calls
# for reset-components: the stages use a --kb copy whose service-disabled rule
# also lists it (the plan for the real rules is tested on Linux, tests/fix).

fixdir=$work/fix
rm -rf "$fixdir" && mkdir -p "$fixdir"
windir=$WINEPREFIX/drive_c/windows
cc=x86_64-w64-mingw32-gcc

quiet() { timeout 120 "$@" >/dev/null 2>&1; }
svcexe() { (cd "$fixdir" && timeout 60 wine "$fixdir/testsvc.exe" "$@" >/dev/null 2>&1); }
start_type() { # the Start value Wine's SCM keeps for service $1
  wine reg query "HKLM\\System\\CurrentControlSet\\Services\\$1" /v Start 2>/dev/null |
    tr -d '\r' | awk '/Start/ {print $3}'
}
fix_exe() { # runs wudiag.exe fix with the stage's database and knowledge base
  (cd "$fixdir" && timeout 300 wine "$exe" fix --db "$db_win" --kb "$kb_win" "$@")
}
journal() { python3 "$here/check-fix.py" "$fixdir/fix.db" "$1"; }
count_runs() {
  python3 -c 'import sqlite3,sys
try: print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM fix_run").fetchone()[0])
except Exception: print(0)' "$fixdir/fix.db"
}
# Waits (up to 60 s) until a step of the journal is under way: action, target.
wait_running() {
  for _ in $(seq 1 120); do
    python3 -c 'import sqlite3,sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
n = db.execute("SELECT count(*) FROM fix_step WHERE action = ? AND target = ? AND result = ?",
               (sys.argv[2], sys.argv[3], "running")).fetchone()[0]
sys.exit(0 if n else 1)' "$fixdir/fix.db" "$1" "$2" 2>/dev/null && return 0
    sleep 0.5
  done
  return 1
}

# The test services: UsoSvc in mode $1 (normal or stubborn), CryptSvc and
# TrustedInstaller normal; wuauserv Disabled, as a finding needs it.
services() {
  local s
  for s in UsoSvc CryptSvc TrustedInstaller; do
    quiet wine sc stop "$s"; quiet wine sc stop "$s" # Wine kills a service on the second stop
    quiet wine sc delete "$s"
  done
  quiet wineserver -w
  quiet wine sc create UsoSvc binPath= "$svc_win UsoSvc $1" start= auto
  quiet wine sc create CryptSvc binPath= "$svc_win CryptSvc normal" start= auto
  quiet wine sc create TrustedInstaller binPath= "$svc_win TrustedInstaller normal" start= demand
  quiet wine sc start UsoSvc
  quiet wine sc start CryptSvc
  quiet wine sc stop wuauserv
  svcexe config wuauserv 4
}

caches() { # fresh update caches with a marker file each; no renamed copies
  rm -rf "$windir"/SoftwareDistribution* "$windir"/system32/catroot2*
  mkdir -p "$windir/SoftwareDistribution/Download" "$windir/system32/catroot2"
  echo download >"$windir/SoftwareDistribution/Download/marker.txt"
  echo catalog >"$windir/system32/catroot2/marker.txt"
}

if ! $cc -O2 -municode -o "$fixdir/testsvc.exe" "$here/testsvc.c" -ladvapi32 ||
   ! $cc -O2 -municode -o "$fixdir/limited.exe" "$here/limited.c" -ladvapi32; then
  check "fix: the test service and launcher build with $cc" false
  return 0 2>/dev/null || exit 1
fi
svc_win=$(winpath "$fixdir/testsvc.exe")
db_win=$(winpath "$fixdir/fix.db")
cp -r "$src/report/kb" "$fixdir/kb"
sed -i 's/^fixes enable-service,restart-services,troubleshooter$/fixes enable-service,restart-services,reset-components,troubleshooter/' \
  "$fixdir/kb/rules.txt"
kb_win=$(winpath "$fixdir/kb")
services normal
caches
check "fix: set-up: wuauserv is Disabled (Start 0x4)" test "$(start_type wuauserv)" = 0x4

# ---------------------------------------------------------- no elevation
(cd "$fixdir" && timeout 300 wine "$fixdir/limited.exe" \
   "$(winpath "$exe") fix --yes --db $db_win --kb $kb_win") >"$fixdir/limited.out" 2>&1
rc=$?
cat "$fixdir/limited.out"
check "fix: refused without elevation (exit $rc is 1)" test "$rc" -eq 1
check "fix: ... saying how to elevate" grep -q "Run as administrator" "$fixdir/limited.out"
check "fix: ... nothing journaled" journal none
check "fix: ... wuauserv still Disabled" test "$(start_type wuauserv)" = 0x4

# ------------------------------------------------------------- dry run
fix_exe --dry-run >"$fixdir/dry.out" 2>&1
rc=$?
cat "$fixdir/dry.out"
check "fix --dry-run: ran (exit $rc is 3: the diagnosis is failing)" test "$rc" -eq 3
check "fix --dry-run: would set wuauserv back to manual" \
  grep -q "would set the start type of wuauserv to manual" "$fixdir/dry.out"
check "fix --dry-run: would rename SoftwareDistribution" \
  grep -q 'would rename C:\\windows\\SoftwareDistribution to C:\\windows\\SoftwareDistribution.wudiag-' \
  "$fixdir/dry.out"
check "fix --dry-run: changed nothing (wuauserv Disabled, caches in place, no journal)" \
  test "$(start_type wuauserv)" = 0x4 -a -f "$windir/SoftwareDistribution/Download/marker.txt" \
  -a "$(count_runs)" = 0

# ------------------------------------------------------------------ fix
fix_exe --yes --timeout 30 >"$fixdir/fix.out" 2>&1
rc=$?
cat "$fixdir/fix.out"
check "fix --yes: ran (exit $rc is 0 or 4: nothing failing after it)" test "$rc" -eq 0 -o "$rc" -eq 4
check "fix --yes: wuauserv is Manual again (Start 0x3)" test "$(start_type wuauserv)" = 0x3
check "fix --yes: SoftwareDistribution renamed with its files, not deleted" \
  bash -c "ls '$windir'/SoftwareDistribution.wudiag-*/Download/marker.txt"
check "fix --yes: catroot2 renamed with its files" \
  bash -c "ls '$windir'/system32/catroot2.wudiag-*/marker.txt"
check "fix --yes: the services run again" \
  bash -c "wine sc query UsoSvc | grep -q RUNNING && wine sc query CryptSvc | grep -q RUNNING"
check "fix --yes: the re-diagnosis resolves the disabled-service finding" \
  grep -q "finding resolved: .*wuauserv) is disabled" "$fixdir/fix.out"
check "fix --yes: the journal" journal fixed

(cd "$fixdir" && timeout 300 wine "$exe" report --db "$db_win" -o fixed.html >/dev/null 2>&1)
check "fix: the report of the fixed PC shows the journal of the run" \
  bash -c "grep -q 'set-start-type' '$fixdir/fixed.html' && grep -q 'SoftwareDistribution.wudiag-' '$fixdir/fixed.html'"

# ----------------------------------------------------------------- undo
mkdir -p "$windir/SoftwareDistribution"
echo refilled >"$windir/SoftwareDistribution/new.txt"
fix_exe --undo --yes >"$fixdir/undo.out" 2>&1
rc=$?
cat "$fixdir/undo.out"
check "fix --undo: exit $rc is 1 (one folder could not go back)" test "$rc" -eq 1
check "fix --undo: says the new SoftwareDistribution has files" grep -q "has files again" "$fixdir/undo.out"
check "fix --undo: catroot2 is back with its files" test -f "$windir/system32/catroot2/marker.txt"
check "fix --undo: wuauserv is Disabled again" test "$(start_type wuauserv)" = 0x4
check "fix --undo: the journal" journal undo-partial
fix_exe --undo --yes --force >"$fixdir/undo-force.out" 2>&1
rc=$?
cat "$fixdir/undo-force.out"
check "fix --undo --force: exit $rc is 0" test "$rc" -eq 0
check "fix --undo --force: SoftwareDistribution is back with its files" \
  test -f "$windir/SoftwareDistribution/Download/marker.txt"
check "fix --undo --force: the refilled one was moved aside, not deleted" \
  bash -c "ls '$windir'/SoftwareDistribution.wudiag-*-new/new.txt"
check "fix --undo --force: the journal" journal undo-force
fix_exe --undo --yes >"$fixdir/undo-again.out" 2>&1
rc=$?
check "fix --undo again: nothing to undo (exit $rc is 0)" \
  bash -c "test $rc -eq 0 && grep -q 'Nothing to undo' '$fixdir/undo-again.out'"

# ------------------------------------------------------- a managed PC
policy='HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate'
quiet wine reg add "$policy" /v WUServer /t REG_SZ /d http://wsus.example:8530 /f
quiet wine reg add "$policy\AU" /v UseWUServer /t REG_DWORD /d 1 /f
fix_exe --yes >"$fixdir/managed.out" 2>&1
rc=$?
cat "$fixdir/managed.out"
check "fix on a managed PC: enable-service is refused, saying why" \
  grep -q "enable-service (refused): this PC's updates are managed" "$fixdir/managed.out"
check "fix on a managed PC: says it leaves the policy alone" \
  grep -q 'leaves the policy (HKLM\\SOFTWARE\\Policies) alone' "$fixdir/managed.out"
check "fix on a managed PC: wuauserv is left Disabled, the policy as it was" \
  bash -c "test '$(start_type wuauserv)' = 0x4 && wine reg query '$policy' /v WUServer 2>/dev/null | grep -q wsus.example"
quiet wine reg delete "$policy" /f

# ------------------------------------ a service that will not stop; a second run
services stubborn
caches
before=$(count_runs)
fix_exe --yes --timeout 20 >"$fixdir/failed.out" 2>&1 &
bg=$!
if wait_running stop-service UsoSvc; then
  fix_exe --yes >"$fixdir/second.out" 2>&1
  rc=$?
  cat "$fixdir/second.out"
  check "fix: a second run while one is in progress is refused (exit $rc is 1)" test "$rc" -eq 1
  check "fix: ... saying another one is in progress" \
    grep -q "another wudiag fix is in progress" "$fixdir/second.out"
else
  check "fix: the first run reached the stop of UsoSvc" false
fi
wait "$bg"
rc=$?
cat "$fixdir/failed.out"
check "fix: a step that fails stops the plan (exit $rc is 1)" test "$rc" -eq 1
check "fix: ... saying why and what to do by hand" \
  bash -c "grep -q 'UsoSvc will not stop: it did not stop within 20 seconds' '$fixdir/failed.out' && grep -q 'By hand' '$fixdir/failed.out'"
check "fix: ... the caches were not touched" test -f "$windir/SoftwareDistribution/Download/marker.txt"
check "fix: ... one run more in the journal, no second one" test "$(count_runs)" = $((before + 1))
check "fix: ... the journal" journal failed

# ------------------------------------------------- a killed run; the next one
services stubborn # a fresh one: Wine kills a service asked twice to stop
fix_exe --yes --timeout 60 >"$fixdir/killed.out" 2>&1 &
bg=$!
if wait_running stop-service UsoSvc; then
  quiet wine taskkill /f /im wudiag.exe
  wait "$bg"
  fix_exe --yes --timeout 5 >"$fixdir/after-kill.out" 2>&1
  cat "$fixdir/after-kill.out"
  check "fix: a killed run is marked interrupted by the next run, which goes ahead" journal interrupted
else
  wait "$bg"
  check "fix: the run to kill reached the stop of UsoSvc" false
fi

# ------------------------------------------------------------- clean up
for s in UsoSvc CryptSvc TrustedInstaller; do
  quiet wine sc stop "$s"; quiet wine sc stop "$s"; quiet wine sc delete "$s"
done
svcexe config wuauserv 3
rm -rf "$windir"/SoftwareDistribution* "$windir"/system32/catroot2*
