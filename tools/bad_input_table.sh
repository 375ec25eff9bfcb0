#!/usr/bin/env bash
# Feeds the built `verify` one kind of bad input per row (malformed .npy files, bad case.json files, bad suite files,
# bad options, unwritable paths, resource limits) and prints the README's "Bad input" table: what verify said (the
# first line of its message, the scratch folder shown as DIR, long lines cut with …) and its exit status.
# Exits 1 if any row's status is not 2 (2 is "bad input or usage"; a crash would be 134/139): the ctest test
# "tools: every bad input of the README table exits 2" runs it.
#   Usage: tools/bad_input_table.sh [path/to/verify]     (default build/verify/verify)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
verify=$(realpath "${1:-$root/build/verify/verify}")
cases_dir=$root/data/cases
scratch=$(mktemp -d "${TMPDIR:-/tmp}/gate_bad_input.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$scratch" || exit 1

# npy DESCR SHAPE DATA_BYTES [FORTRAN]: a .npy (format 1.0) with that header and DATA_BYTES zero bytes of data.
npy() {
  local header="{'descr': '$1', 'fortran_order': ${4:-False}, 'shape': $2, }"
  local pad=$(( (64 - (10 + ${#header} + 1) % 64) % 64 ))
  header="$header$(printf '%*s' "$pad" '')"$'\n'
  local len=${#header}
  printf '\x93NUMPY\x01\x00'
  printf "\\x$(printf %02x $((len & 255)))\\x$(printf %02x $((len >> 8)))"
  printf '%s' "$header"
  head -c "$3" /dev/zero
}

# A good case folder to spoil one file at a time: kernelbench_small is x (2, 8, 9, 9), weight (8, 16, 4, 4),
# bias (16), y (2, 16, 20, 20), float32.
"$verify" export --out good --case kernelbench_small --cases-dir "$cases_dir" >/dev/null || { echo "export failed"; exit 1; }
npy '<f4' '(2, 16, 20, 20)' $((2 * 16 * 20 * 20 * 4)) > good/kernelbench_small/y.npy
good=good/kernelbench_small
# spoil NAME: a copy of the good case folder, as $scratch/NAME
spoil() { rm -rf "$1"; cp -r "$good" "$1"; }

rows=0
bad=0
# row WHAT COMMAND...: runs verify with the arguments, records its first message line and status.
row() {
  local what=$1
  shift
  local out status msg shown
  out=$("$verify" "$@" 2>&1 >/dev/null)
  status=$?
  msg=$(printf '%s\n' "$out" | grep -m1 -v '^$' | sed "s|$scratch|DIR|g; s|$cases_dir|data/cases|g; s/^verify: //")
  [ ${#msg} -gt 160 ] && msg="${msg:0:159}…"
  shown=$(printf '%s' "$*" | sed "s|$scratch|DIR|g; s|$cases_dir|data/cases|g; s| --cases-dir data/cases||")
  msg=${msg//|/\\|}
  rows=$((rows + 1))
  [ "$status" -ne 2 ] && bad=$((bad + 1))
  printf '| %d | %s | `verify %s` | %s | %d |\n' "$rows" "$what" "$shown" "$msg" "$status"
}

echo "| # | bad input | command | what verify says | exit |"
echo "|---|---|---|---|---|"
C=(--cases-dir "$cases_dir")

# Options.
row "unknown option" --bogus
row "--shard K > N" --list --shard 3/2 "${C[@]}"
row "--shard not K/N" --list --shard 2 "${C[@]}"
row "--max-memory not a size" --list --max-memory 12Q "${C[@]}"
row "--threads 0" --cpu-only --threads 0 "${C[@]}"
row "unknown case name" --case no_such_case "${C[@]}"
row "unknown suite" --list --suite huge "${C[@]}"
row "unknown --precision value" --cpu-only --precision fp16 "${C[@]}"
row "--precision outside check" --cpu-only --precision tf32 "${C[@]}"
row "option without its value" --cpu-only --json
row "--case with no name" --case , "${C[@]}"
row "export without --out" export --case kernelbench_small "${C[@]}"
row "check without a folder" check --precision fp32

# Output paths.
row "unwritable --json path" --cpu-only --case kernelbench_small --json /nonexistent/report.json "${C[@]}"
row "unwritable --junit path" --cpu-only --case kernelbench_small --junit /proc/report.xml "${C[@]}"
touch plainfile
row "export into a path under a file" export --out plainfile/out --case kernelbench_small "${C[@]}"
row "missing --candidate-lib" --candidate-lib "$scratch/none.so" --case kernelbench_small "${C[@]}"

# Resource limits.
row "case over --max-memory (run)" --cpu-only --case kernelbench_small --max-memory 64K "${C[@]}"
row "case over --max-memory (check)" check "$good" --max-memory 100K
spoil huge_x; npy '<f4' '(1000000, 1000000, 1000, 1000)' 0 > huge_x/x.npy
row "x.npy header claims a huge shape" check huge_x
spoil overflow_x; npy '<f4' '(4294967296, 4294967296, 4294967296)' 0 > overflow_x/x.npy
row "x.npy shape overflows 64 bits" check overflow_x

# Case folders (verify check).
row "check on a missing folder" check "$scratch/nowhere"
mkdir -p empty_dir
row "folder without case.json" check empty_dir
spoil no_y; rm no_y/y.npy
row "missing y.npy" check no_y
spoil y_shape; cp "$good/x.npy" y_shape/y.npy
row "y.npy of the wrong shape" check y_shape
spoil y_f8; npy '<f8' '(2, 16, 20, 20)' $((2 * 16 * 20 * 20 * 8)) > y_f8/y.npy
row "y.npy of the wrong dtype (<f8)" check y_f8
spoil y_trunc; head -c 20000 "$good/y.npy" > y_trunc/y.npy
row "truncated y.npy" check y_trunc
spoil y_long; cat "$good/y.npy" <(head -c 4 /dev/zero) > y_long/y.npy
row "y.npy with trailing bytes" check y_long
spoil x_text; echo "not an array" > x_text/x.npy
row "x.npy is not a .npy file" check x_text
spoil x_empty; : > x_empty/x.npy
row "x.npy is empty (0 bytes)" check x_empty
spoil x_fortran; npy '<f4' '(2, 8, 9, 9)' $((2 * 8 * 9 * 9 * 4)) True > x_fortran/x.npy
row "x.npy in Fortran order" check x_fortran
spoil x_rank3; npy '<f4' '(8, 9, 9)' $((8 * 9 * 9 * 4)) > x_rank3/x.npy
row "x.npy with 3 dimensions" check x_rank3
spoil x_header; printf '\x93NUMPY\x01\x00\x20\x00{"descr": <f4, shape: (1,)}      \n' > x_header/x.npy
row "x.npy header not a dict literal" check x_header
spoil w_cin; npy '<f4' '(4, 16, 4, 4)' $((4 * 16 * 4 * 4 * 4)) > w_cin/weight.npy
row "weight.npy Cin disagrees with x.npy" check w_cin
spoil b_len; npy '<f4' '(15,)' $((15 * 4)) > b_len/bias.npy
row "bias.npy of the wrong length" check b_len

# case.json.
casejson() { spoil "$1"; printf '%s' "$2" > "$1/case.json"; }
casejson cj_json '{"name": "x", "stride": 2'
row "case.json: bad JSON (truncated)" check cj_json
casejson cj_key '{"name": "x", "strides": 2}'
row "case.json: unknown key" check cj_key
casejson cj_type '{"name": "x", "stride": "2"}'
row "case.json: wrong type" check cj_type
casejson cj_nan '{"name": "x", "add_value": NaN}'
row "case.json: NaN literal" check cj_nan
casejson cj_float '{"name": "x", "multiply_value": 1e39}'
row "case.json: value beyond float range" check cj_float
casejson cj_dtype '{"name": "x", "dtype": "float16"}'
row "case.json: dtype disagrees with the arrays" check cj_dtype
casejson cj_groups '{"name": "x", "groups": 4611686018427387904}'
row "case.json: huge groups" check cj_groups
casejson cj_pad '{"name": "x", "padding": 50}'
row "case.json: padding empties the output" check cj_pad
spoil cj_missing; rm cj_missing/case.json; mkdir -p cj_missing_parent; mv cj_missing cj_missing_parent/
row "case.json missing in a case folder" check cj_missing_parent/cj_missing

# Suite files (--cases-dir).
suite() { mkdir -p "$1"; printf '%s' "$2" > "$1/quick.json"; }
suite s_json '{"suite": "quick", "cases": ['
row "suite file: bad JSON" --list --cases-dir s_json
suite s_key '{"suite": "quick", "cases": [{"name": "a", "N": 1, "Cin": 1, "Cout": 1, "H": 1, "W": 1, "kernel": 1, "distribution": "normal", "sead": 3}]}'
row "suite file: unknown key" --list --cases-dir s_key
suite s_groups '{"suite": "quick", "cases": [{"name": "a", "N": 1, "Cin": 3, "Cout": 2, "H": 1, "W": 1, "kernel": 1, "groups": 2, "distribution": "normal"}]}'
row "suite file: groups do not divide Cin" --list --cases-dir s_groups
suite s_dup '{"suite": "quick", "cases": [{"name": "a", "N": 1, "Cin": 1, "Cout": 1, "H": 1, "W": 1, "kernel": 1, "distribution": "normal"}, {"name": "a", "N": 1, "Cin": 1, "Cout": 1, "H": 1, "W": 1, "kernel": 1, "distribution": "normal"}]}'
row "suite file: duplicate case name" --list --cases-dir s_dup
row "suite folder missing" --list --cases-dir "$scratch/no_cases"

echo
echo "$rows rows, $bad with an exit status other than 2"
[ "$bad" -eq 0 ]
