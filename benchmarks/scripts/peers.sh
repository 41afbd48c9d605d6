# Sourced by the benchmark scripts: checks that the reference tools a script compares against are
# installed (Debian's /usr/bin/python3 modules, R packages) and, when one is missing, names the
# Debian package to install, or installs it when RATIOFIT_INSTALL_PEERS=1 (apt-get, as root).
# benchmarks/scripts/install_peers.sh installs every peer of every script at once.

# Debian package of each Python module and R package the scripts use.
peer_package() {
  case "$1" in
    numpy) echo python3-numpy ;;
    scipy) echo python3-scipy ;;
    iminuit) echo python3-iminuit ;;
    torch) echo python3-torch ;;
    onnx) echo python3-onnx ;;
    R:rstan) echo r-cran-rstan ;;
    Rscript) echo r-base-core ;;
    *) echo "unknown-peer-$1" ;;
  esac
}

peer_present() {
  case "$1" in
    Rscript) command -v Rscript >/dev/null 2>&1 ;;
    R:*) command -v Rscript >/dev/null 2>&1 && Rscript -e "quit(status = !requireNamespace('${1#R:}', quietly = TRUE))" >/dev/null 2>&1 ;;
    *) [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import $1" >/dev/null 2>&1 ;;
  esac
}

# require_peers NAME...: Python modules by import name (numpy, iminuit), R packages as R:NAME,
# Rscript for R itself. Returns only when all are present; otherwise exits 3 naming the packages.
require_peers() {
  local missing=() pkgs=() p
  for p in "$@"; do
    peer_present "$p" || { missing+=("$p"); pkgs+=("$(peer_package "$p")"); }
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "${RATIOFIT_INSTALL_PEERS:-}" = 1 ]; then
    echo "installing the reference tools: apt-get install -y ${pkgs[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >&2
    for p in "${missing[@]}"; do
      peer_present "$p" || { echo "$p is still missing after installing $(peer_package "$p")" >&2; exit 3; }
    done
    return 0
  fi
  echo "$(basename "$0"): the reference tools ${missing[*]} are missing. Install them with" >&2
  echo "  apt-get update && apt-get install -y ${pkgs[*]}" >&2
  echo "or run benchmarks/scripts/install_peers.sh (every script's peers), or rerun with RATIOFIT_INSTALL_PEERS=1." >&2
  exit 3
}
