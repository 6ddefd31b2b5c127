#!/bin/sh
# Find a local Python >= 3.12 interpreter for building the project venv.
#
# Prints the interpreter's path on stdout and exits 0, or prints what was
# searched and how to fix it on stderr and exits 1. POSIX sh; never downloads.
#
# Search order:
#   1. $PYTHON, if set and non-empty (used as-is: if it is unusable we fail
#      rather than silently picking something else);
#   2. python3.13, python3.12 on PATH;
#   3. <root>/versions/3.1[2-9]*/bin/python for each pyenv root:
#      $PYENV_ROOT, `pyenv root` (if pyenv is on PATH), $HOME/.pyenv, /root/.pyenv
#      (override the whole list with FIND_PYTHON_PYENV_ROOTS="dir1 dir2", e.g. in tests);
#   4. python3, python on PATH (the system python3 is accepted only if it is >= 3.12).
# Every candidate is actually run, so pyenv shims for unselected versions and
# too-old interpreters are rejected.

set -u

MIN_VERSION="3.12"
tried=""

note() {
    tried="$tried
  - $1"
}

# check CANDIDATE: print its real executable path and return 0 if it is a
# runnable Python >= 3.12, else record why not and return 1.
check() {
    cand=$1
    out=$("$cand" -c 'import sys
v = sys.version_info
print("%d.%d.%d" % (v[0], v[1], v[2]))
print(sys.executable or "")
sys.exit(0 if (v[0], v[1]) >= (3, 12) else 10)' 2>/dev/null)
    rc=$?
    ver=$(printf '%s\n' "$out" | sed -n 1p)
    exe=$(printf '%s\n' "$out" | sed -n 2p)
    if [ "$rc" -eq 0 ] && [ -n "$ver" ]; then
        if [ -n "$exe" ] && [ -x "$exe" ]; then
            printf '%s\n' "$exe"
        else
            printf '%s\n' "$cand"
        fi
        return 0
    elif [ "$rc" -eq 10 ]; then
        note "$cand: Python $ver (too old, need >= $MIN_VERSION)"
    else
        note "$cand: not a runnable Python (exit $rc)"
    fi
    return 1
}

fail() {
    {
        printf 'find-python.sh: %s\n' "$1"
        printf 'Searched:%s\n' "$tried"
        printf '\nTo fix: install Python %s or newer (e.g. `pyenv install 3.12`, or your\n' "$MIN_VERSION"
        printf 'OS package manager), or point to an interpreter explicitly:\n'
        printf '    make venv PYTHON=/path/to/python3.12\n'
        printf '(No Python is downloaded automatically.)\n'
    } >&2
    exit 1
}

# 1. Explicit $PYTHON.
if [ -n "${PYTHON:-}" ]; then
    check "$PYTHON" && exit 0
    fail "PYTHON=$PYTHON is not a usable Python >= $MIN_VERSION."
fi
note "\$PYTHON: not set"

# 2. Versioned interpreters on PATH.
for name in python3.13 python3.12; do
    if command -v "$name" >/dev/null 2>&1; then
        check "$(command -v "$name")" && exit 0
    else
        note "$name: not on PATH"
    fi
done

# 3. pyenv installations (pyenv itself need not be on PATH).
if [ -n "${FIND_PYTHON_PYENV_ROOTS+set}" ]; then
    roots=$FIND_PYTHON_PYENV_ROOTS
else
    roots="${PYENV_ROOT:-}"
    if command -v pyenv >/dev/null 2>&1; then
        roots="$roots $(pyenv root 2>/dev/null || true)"
    fi
    roots="$roots ${HOME:-/nonexistent}/.pyenv /root/.pyenv"
fi
seen=" "
for root in $roots; do
    case "$seen" in *" $root "*) continue ;; esac
    seen="$seen$root "
    found=no
    for py in "$root"/versions/3.1[2-9]*/bin/python; do
        [ -e "$py" ] || continue
        found=yes
        check "$py" && exit 0
    done
    [ "$found" = yes ] || note "$root/versions/3.1[2-9]*/bin/python: no match"
done
[ -n "$(printf '%s' "$roots" | tr -d ' ')" ] || note "pyenv roots: none given"

# 4. Generic names, accepted only if new enough.
for name in python3 python; do
    if command -v "$name" >/dev/null 2>&1; then
        check "$(command -v "$name")" && exit 0
    else
        note "$name: not on PATH"
    fi
done

fail "no Python >= $MIN_VERSION interpreter found."
