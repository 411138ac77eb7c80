# shellcheck shell=bash
# Helpers that the .ci scripts source (`. .ci/lib.sh`, from the repository
# root): the step headers and the step runner with its summary, the Python
# environment, where the emulator binary is, and starting it.

# step NAME...: prints a step's header with the seconds since the script
# started and the disk space left where it runs.
step() { printf '\n==== %s (%ss, %s free)\n' "$*" "$SECONDS" "$(df -h --output=avail . | tail -n 1 | tr -d ' ')"; }

# The steps run_step ran, for step_summary: one line each, in order.
step_results=()
steps_passed=0
steps_failed=0
steps_skipped=0
# Names of the steps that failed, for --needs.
steps_failed_names=()
# The failed steps that ran in a subshell, by their index in step_results,
# which also names their log in step_log_dir.
step_failed_logs=()
step_log_dir=''

# run_step [--required] [--needs STEP] [--in-shell] NAME COMMAND...: runs
# one step: prints its header (step), runs COMMAND, records ok or FAILED
# with its exit code and seconds, and returns 0 so that the next step runs.
#   --required  a failure ends the script (after the summary), for a step
#               the later ones cannot do without;
#   --needs S   the step is skipped (and counted as such) when the step
#               named S failed;
#   --in-shell  COMMAND runs in the script's own shell with the script's
#               options, so that it can set variables and start processes
#               that the script's cleanup stops. Without it, COMMAND runs
#               in a subshell with `set -euo pipefail`: the first failing
#               command ends the step, not the script.
# Call it as a command of its own, never in a condition (`if`, `||`, `&&`,
# `!`): there bash ignores `set -e`, also inside the subshell.
run_step() {
  local required='' needs='' in_shell='' name t0 rc errexit=''
  while [ $# -gt 0 ]; do
    case $1 in
      --required) required=1 ;;
      --needs) needs=$2 && shift ;;
      --in-shell) in_shell=1 ;;
      *) break ;;
    esac
    shift
  done
  name=$1
  shift
  step "$name"
  local failed_step
  for failed_step in ${steps_failed_names[@]+"${steps_failed_names[@]}"}; do
    if [ "$failed_step" = "$needs" ]; then
      echo "skipped: it needs \"$needs\", which failed"
      step_results+=("skipped $name (needs: $needs)")
      steps_skipped=$((steps_skipped + 1))
      return 0
    fi
  done
  t0=$SECONDS
  case $- in *e*) errexit=1 ;; esac
  set +e
  if [ -n "$in_shell" ]; then
    "$@"
    rc=$?
  else
    # The step writes into its log, whose last lines step_summary repeats
    # when the step fails; tail shows it as it grows and ends once the
    # step has. (Not a pipe into tee: a process that the step leaves
    # behind would hold the pipe open, and the run would wait for it.)
    step_log_dir=${step_log_dir:-$(mktemp -d "${CI_CACHE:-${TMPDIR:-/tmp}}/steps.XXXXXX")}
    local log=$step_log_dir/${#step_results[@]}.log pid
    (
      set -euo pipefail
      "$@"
    ) >"$log" 2>&1 &
    pid=$!
    tail -n +1 -f -s 0.2 --pid="$pid" "$log" &
    wait "$pid"
    rc=$?
    wait "$!"
  fi
  if [ -n "$errexit" ]; then set -e; fi
  if [ "$rc" -eq 0 ]; then
    step_results+=("ok      $name ($((SECONDS - t0))s)")
    steps_passed=$((steps_passed + 1))
    printf -- '-- ok: %s (%ss)\n' "$name" "$((SECONDS - t0))"
  else
    step_results+=("FAILED  $name ($((SECONDS - t0))s, exit $rc)")
    [ -n "$in_shell" ] || step_failed_logs+=("$((${#step_results[@]} - 1))")
    steps_failed=$((steps_failed + 1))
    steps_failed_names+=("$name")
    printf -- '-- FAILED: %s (%ss, exit %s)\n' "$name" "$((SECONDS - t0))" "$rc"
    if [ -n "$required" ]; then
      echo "the later steps need this one: stopping here"
      step_summary || true
      exit "$rc"
    fi
  fi
  return 0
}

# step_summary: prints every step run_step ran (ok, FAILED or skipped,
# with its seconds) and then `N passed, N failed` (after `$steps_label: `
# when the script sets one); returns 1 when a step failed or was skipped.
steps_label=''
step_summary() {
  local line counts
  printf '\n==== summary (%ss)\n' "$SECONDS"
  for line in ${step_results[@]+"${step_results[@]}"}; do
    echo "  $line"
  done
  counts="$steps_passed passed, $steps_failed failed"
  if [ "$steps_skipped" -gt 0 ]; then counts+=", $steps_skipped skipped"; fi
  echo "${steps_label:+$steps_label: }$counts"
  # A failure's cause is in its step's last lines, far above by now: they
  # come again here, with the free disk space, and then the counts once more.
  local n
  for n in ${step_failed_logs[@]+"${step_failed_logs[@]}"}; do
    printf '\n==== the last lines of: %s\n' "${step_results[$n]#FAILED  }"
    tail -n 40 "$step_log_dir/$n.log"
  done
  if [ ${#step_failed_logs[@]} -gt 0 ]; then
    printf '\n==== disk: %s\n' "$(df -h . | tail -n 1)"
    echo "${steps_label:+$steps_label: }$counts"
  fi
  [ -n "$step_log_dir" ] && rm -rf "$step_log_dir"
  [ "$steps_failed" -eq 0 ] && [ "$steps_skipped" -eq 0 ]
}

# venv DIR REQUIREMENTS...: the Python virtual environment in DIR, created
# when absent, with the pinned requirements files installed (quietly;
# already satisfied pins cost a check each).
venv() {
  local dir=$1 req args=()
  shift
  if [ ! -x "$dir/bin/python" ]; then
    python3 -m venv "$dir"
  fi
  for req in "$@"; do args+=(-r "$req"); done
  if [ ${#args[@]} -gt 0 ]; then
    "$dir/bin/pip" install --quiet --disable-pip-version-check "${args[@]}"
  fi
}

# cargo_meta EXPR: EXPR, a Python expression over the workspace's
# `cargo metadata` (`meta`; `client` is the client package's entry), e.g.
# `meta["target_directory"]` or `client["rust_version"]`.
cargo_meta() {
  cargo metadata --format-version 1 --no-deps | python3 -c "
import json, sys
meta = json.load(sys.stdin)
client = next(p for p in meta['packages'] if p['name'] == 'live-record-callbacks')
print($1)"
}

# emulator_bin PROFILE: the emulator binary that
# `cargo build [--release] -p live-record-callbacks-cli` writes for PROFILE
# (`debug` or `release`), wherever cargo's target directory is
# (CARGO_TARGET_DIR or a config file may move it).
emulator_bin() {
  echo "$(cargo_meta 'meta["target_directory"]')/$1/live-record-callbacks"
}

# start_emulator BIN LOG ARGS...: serves the emulator of BIN on
# 127.0.0.1:0 (the OS picks a free port) with ARGS, its output in LOG;
# appends its pid to the caller's `pids` and sets `emulator_url` from the
# line the emulator prints once it listens.
start_emulator() {
  local bin=$1 log=$2
  shift 2
  # --ak/--sk also read HUAWEICLOUD_SDK_AK/SK: keep the caller's out of it.
  env -u HUAWEICLOUD_SDK_AK -u HUAWEICLOUD_SDK_SK \
    "$bin" emulate --listen 127.0.0.1:0 "$@" >"$log" 2>&1 &
  pids+=("$!")
  emulator_url=
  for _ in $(seq 100); do
    emulator_url=$(sed -n 's|^emulator listening on \(http://127\.0\.0\.1:[0-9]*\).*|\1|p' "$log" | head -n 1)
    [ -n "$emulator_url" ] && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "the emulator ($log) did not start:" >&2
  cat "$log" >&2
  return 1
}

# run_caches DIR: puts Go's module and build caches and Maven's repository
# ($m2) under $CI_CACHE when .ci/run made one (shared by the scripts of one
# run, so Go's standard library is compiled once and a module or jar is
# downloaded once; .ci/run removes it at its end), else under DIR, the
# calling script's own temporary directory. Never a cache of the machine's,
# never one kept across runs. The go on the machine, never a downloaded one
# (GOTOOLCHAIN=local); a writable module cache, so that it can be removed.
run_caches() {
  local dir=${CI_CACHE:-$1}
  export GOPATH=$dir/gopath GOMODCACHE=$dir/gomod GOCACHE=$dir/gocache GOFLAGS=-modcacherw GOTOOLCHAIN=local
  # shellcheck disable=SC2034 # read by the scripts that call it
  m2=$dir/m2
}
