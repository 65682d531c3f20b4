# wudiag.bash - bash completion for wudiag(1). The commands, their options and
# the --format values are read from wudiag's own --help, so completion follows
# the installed binary as commands and options are added.
# Installed as /usr/share/bash-completion/completions/wudiag.

# The commands listed under "commands:" in `wudiag --help`.
_wudiag_commands()
{
    "$1" --help 2>/dev/null |
        awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'
}

# The options a command's --help names (--long and -s), plus --help.
_wudiag_options()
{
    { "$1" "$2" --help 2>/dev/null |
        grep -oE '(^|[][ ,(|])--?[a-z][a-z-]*' | sed 's/^[][ ,(|]//'; echo --help; } | sort -u
}

# The values of --format in a command's usage line ("--format text|xml|html").
_wudiag_formats()
{
    "$1" "$2" --help 2>/dev/null | grep -oE -- '--format [a-z]+(\|[a-z]+)+' | head -1 |
        sed 's/^--format //; s/|/ /g'
}

# Files whose names end in one of the given suffixes, and folders.
_wudiag_files()
{
    local cur=$1 f; shift
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -d -- "$cur"))
    for f in "$@"; do
        COMPREPLY+=($(compgen -f -X "!*$f" -- "$cur"))
    done
}

_wudiag()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local exe=${COMP_WORDS[0]} verb="" i
    # ~/bin/wudiag as typed; a name that is no program falls back to wudiag
    exe=${exe/#\~/$HOME}
    type -P "$exe" >/dev/null 2>&1 || [[ -x $exe ]] || exe=wudiag
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} != -* ]]; then
            verb=${COMP_WORDS[i]}
            break
        fi
    done
    COMPREPLY=()
    if [[ -z $verb ]]; then
        COMPREPLY=($(compgen -W "$(_wudiag_commands "$exe") --help --version" -- "$cur"))
        return
    fi
    case $prev in
        --evidence) _wudiag_files "$cur" .zip; return ;;
        --db) _wudiag_files "$cur" .db; return ;;
        -o | --output) _wudiag_files "$cur" ""; return ;;
        --template) _wudiag_files "$cur" .xsl .xslt; return ;;
        --kb) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "$(_wudiag_formats "$exe" "$verb")" -- "$cur")); return ;;
        --snapshot) COMPREPLY=($(compgen -W latest -- "$cur")); return ;;
        --step) COMPREPLY=($(compgen -W "restart-services enable-service reset-components restart-pending" -- "$cur")); return ;;
        --machine | --since | --timeout | --as-of | --to | --failing-days | --stale-days) return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_wudiag_options "$exe" "$verb")" -- "$cur"))
        return
    fi
    case $verb in
        merge) _wudiag_files "$cur" .db ;;
        diff) COMPREPLY=($(compgen -W latest -- "$cur")) ;;
    esac
}
complete -F _wudiag wudiag wudiag.exe
