# Sourced by ./ratiofit, ./ratiofit-spark and examples/run: runs a java command line with the
# JVM's start-up notice "WARNING: Using incubator modules" (printed because of the vector API,
# jdk.incubator.vector) dropped from standard error. Only that first line goes; the rest of
# standard error passes through byte for byte (progress bars included), standard output and input
# stay the terminal's. RATIOFIT_SHOW_JVM_WARNINGS=1 keeps the notice.

drop_incubator_warning() {
  local first
  if IFS= read -r first; then
    [[ "$first" == "WARNING: Using incubator modules"* ]] || printf '%s\n' "$first"
  else
    printf '%s' "$first"   # standard error ended without a newline
  fi
  exec cat
}

# run_quiet_jvm CMD...: runs CMD (replacing the shell when warnings are wanted) and exits with its status.
run_quiet_jvm() {
  if [ -n "${RATIOFIT_SHOW_JVM_WARNINGS:-}" ]; then
    exec "$@"
  fi
  set +e
  { "$@" 2>&1 1>&3 3>&- | drop_incubator_warning >&2; } 3>&1
  exit "${PIPESTATUS[0]}"
}
