# Helpers that the .ci scripts source (`. .ci/lib.sh`, from the repository
# root): where the emulator binary is, and starting it.

# emulator_bin PROFILE: the emulator binary that
# `cargo build [--release] -p live-record-callbacks-cli` writes for PROFILE
# (`debug` or `release`), wherever cargo's target directory is
# (CARGO_TARGET_DIR or a config file may move it).
emulator_bin() {
  local target_dir
  target_dir=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  echo "$target_dir/$1/live-record-callbacks"
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
