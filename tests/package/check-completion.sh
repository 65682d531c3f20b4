#!/usr/bin/env bash
# check-completion.sh WUDIAG COMPLETION SRC - the bash completion offers what
# the built wudiag takes: every command its --help lists, every option of a
# command's --help, the --format values of each command, and files where a
# value is a path. Runs the completion function as bash would, in SRC.
set -uo pipefail
exe=$1 completion=$2
cd "$3" || exit 1
# shellcheck source=/dev/null
source "$completion" || { echo "check-completion: cannot source $completion"; exit 1; }
fails=0

complete_words() { # the words after "wudiag", the last one being completed
  COMP_WORDS=("$exe" "$@")
  COMP_CWORD=$#
  COMPREPLY=()
  _wudiag
  printf '%s\n' "${COMPREPLY[@]}" | sort
}

expect() { # expect "what" "actual" "expected"
  if [ "$2" != "$3" ]; then
    echo "check-completion: $1:"
    echo "  got:      $(echo $2)"
    echo "  expected: $(echo $3)"
    fails=$((fails + 1))
  fi
}

[ "$(complete -p wudiag)" = "complete -F _wudiag wudiag" ] || {
  echo "check-completion: 'complete -p wudiag' is $(complete -p wudiag 2>&1)"; fails=$((fails + 1)); }

verbs=$("$exe" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')
[ "$(echo "$verbs" | wc -l)" -ge 7 ] || { echo "check-completion: no commands in --help"; exit 1; }
expect "wudiag <TAB>" "$(complete_words "")" "$(printf '%s\n' $verbs --help --version | sort)"
expect "wudiag di<TAB>" "$(complete_words di)" "$(printf '%s\n' $verbs | grep '^di' | sort)"

for verb in $verbs; do
  help=$("$exe" "$verb" --help)
  opts=$(echo "$help" | grep -oE '(^|[][ ,(|])--[a-z][a-z-]*' | sed 's/^[][ ,(|]//'; echo --help)
  expect "wudiag $verb --<TAB>" "$(complete_words "$verb" --)" "$(echo "$opts" | sort -u)"
  formats=$(echo "$help" | grep -oE -- '--format [a-z]+(\|[a-z]+)+' | head -1 | sed 's/^--format //' | tr '|' '\n')
  if [ -n "$formats" ]; then
    expect "wudiag $verb --format <TAB>" "$(complete_words "$verb" --format "")" "$(echo "$formats" | sort)"
  fi
done

# at least what the README and the manual page document for diagnose
expect "wudiag diagnose --<TAB> includes the documented options" \
  "$(complete_words diagnose -- | grep -xE -- '--(db|evidence|format|output|quiet|redact)')" \
  "$(printf '%s\n' --db --evidence --format --output --quiet --redact)"
expect "wudiag diagnose -<TAB> has -o and -q" "$(complete_words diagnose - | grep -E '^-[a-z]$')" "$(printf '%s\n' -o -q)"
expect "wudiag diagnose --evidence examples/<TAB>" \
  "$(complete_words diagnose --evidence examples/)" "$(ls -d examples/*/ | sed 's,/$,,' | sort)"
expect "wudiag report --snapshot <TAB>" "$(complete_words report --snapshot "")" "latest"
expect "wudiag history --machine <TAB> offers nothing" "$(complete_words history --machine "")" ""

[ "$fails" -eq 0 ] || exit 1
echo "check-completion: $(echo $verbs | wc -w) commands, their options and formats complete"
