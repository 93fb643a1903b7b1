/// `kubectl aksnet completion bash|zsh|fish`: scripts that complete `kubectl-aksnet` (and the
/// `kubectl-aksnet-*` links) typed directly, by asking `kubectl-aksnet __complete` as cobra's
/// scripts ask a Go program. Through kubectl (`kubectl aksnet …`), kubectl's own completion asks
/// `kubectl_complete-aksnet` (plugins/) instead, and needs none of these.
public enum ShellScripts {
    public static func script(for shell: String) -> String? {
        switch shell {
        case "bash": return bash
        case "zsh": return zsh
        case "fish": return fish
        default: return nil
        }
    }

    static let bash = #"""
    # bash completion for kubectl-aksnet: source <(kubectl-aksnet completion bash)
    _kubectl_aksnet() {
        local cur=${COMP_WORDS[COMP_CWORD]} name=${COMP_WORDS[0]##*/} out directive line
        local -a words=("${COMP_WORDS[@]:1:COMP_CWORD-1}") cands=()
        case $name in kubectl-aksnet-*) words=("${name#kubectl-aksnet-}" "${words[@]}");; esac
        out=$(kubectl-aksnet __complete "${words[@]}" "$cur" 2>/dev/null) || return 0
        directive=${out##*:}
        [[ $directive =~ ^[0-9]+$ ]] || directive=0
        while IFS= read -r line; do
            [[ $line == :* || -z $line ]] && continue
            cands+=("${line%%$'\t'*}")
        done <<<"$out"
        COMPREPLY=("${cands[@]}")
        ((directive & 2)) && compopt -o nospace 2>/dev/null
        if ((${#COMPREPLY[@]} == 0)); then
            if ((directive & 16)); then COMPREPLY=($(compgen -d -- "$cur"))
            elif ((directive & 4)); then compopt +o default 2>/dev/null; fi
        fi
        return 0
    }
    complete -o default -F _kubectl_aksnet kubectl-aksnet kubectl-aksnet-sniff kubectl-aksnet-jump kubectl-aksnet-inspect

    """#

    static let zsh = #"""
    #compdef kubectl-aksnet kubectl-aksnet-sniff kubectl-aksnet-jump kubectl-aksnet-inspect
    # zsh completion for kubectl-aksnet: source <(kubectl-aksnet completion zsh)
    _kubectl_aksnet() {
        local out directive
        local -a lines cands args
        args=("${(@)words[2,CURRENT-1]}")
        [[ ${words[1]:t} == kubectl-aksnet-* ]] && args=("${${words[1]:t}#kubectl-aksnet-}" "${(@)args}")
        out=$(kubectl-aksnet __complete "${(@)args}" "${words[CURRENT]}" 2>/dev/null) || return 1
        lines=("${(@f)out}")
        directive=${lines[-1]#:}
        [[ $directive == <-> ]] || directive=0
        cands=("${(@)lines[1,-2]}")
        cands=("${(@)cands%%$'\t'*}")
        if (( ${#cands} )); then
            if (( directive & 2 )); then compadd -S '' -- "${(@)cands}"; else compadd -- "${(@)cands}"; fi
        elif (( directive & 16 )); then _path_files -/
        elif (( ! (directive & 4) )); then _files
        fi
    }
    compdef _kubectl_aksnet kubectl-aksnet kubectl-aksnet-sniff kubectl-aksnet-jump kubectl-aksnet-inspect

    """#

    static let fish = #"""
    # fish completion for kubectl-aksnet: kubectl-aksnet completion fish | source
    function __kubectl_aksnet_complete
        set -l args (commandline -opc)
        set -l first (basename $args[1])
        set -e args[1]
        if string match -q 'kubectl-aksnet-*' -- $first
            set args (string replace 'kubectl-aksnet-' '' -- $first) $args
        end
        set -l cur (commandline -ct)
        set -l out (kubectl-aksnet __complete $args "$cur" 2>/dev/null)
        set -l directive (string replace -r '^:' '' -- $out[-1])
        set -e out[-1]
        if test (count $out) -gt 0
            printf '%s\n' $out
        else if test "$directive" = 0
            __fish_complete_path "$cur"
        else if test "$directive" = 16
            __fish_complete_directories "$cur"
        end
    end
    for cmd in kubectl-aksnet kubectl-aksnet-sniff kubectl-aksnet-jump kubectl-aksnet-inspect
        complete -c $cmd -f -a '(__kubectl_aksnet_complete)'
    end

    """#
}
