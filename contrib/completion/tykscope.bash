# SPDX-License-Identifier: ISC
# bash completion for tykscope.  Source it, or copy it to
# /usr/share/bash-completion/completions/tykscope.
_tykscope()
{
	local cur prev opts
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	--format)
		COMPREPLY=($(compgen -W "jsonl tsv table curl raw-request raw-response har" -- "$cur"))
		return ;;
	--curl-target)
		COMPREPLY=($(compgen -W "gateway upstream" -- "$cur"))
		return ;;
	--theme)
		COMPREPLY=($(compgen -W "default monochrome light high-contrast" -- "$cur"))
		return ;;
	--columns)
		COMPREPLY=($(compgen -P "${cur%"${cur##*,}"}" -W "time method status latency upstream gateway api path key ip org version reason" -- "${cur##*,}"))
		return ;;
	--tz)
		COMPREPLY=($(cd /usr/share/zoneinfo 2>/dev/null && compgen -f -- "$cur"))
		return ;;
	--password-file|--tls-ca-file|--tls-cert-file|--tls-key-file|\
	--sentinel-password-file|--from-pump|--from-gateway|--config|-v|\
	--verbose-log)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	-f|--filter|--limit|--since|--until|--duration|--key-prefix|--key|\
	--user|--sql-schema|--tls-server-name|--sentinel-master|\
	--sentinel-password|--mask-header|--max-records|--max-value-size|\
	--demo-rate|\
	--demo-seed|\
	--demo-count|--ignore-tag-prefix|--bind)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		opts=$(tykscope --help 2>/dev/null | grep -o -- '--[a-z-]*' | sort -u)
		COMPREPLY=($(compgen -W "$opts -n -f -h -V -v" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur") $(compgen -W "redis:// rediss:// unix:// mongodb:// mongodb+srv:// postgresql:// postgres:// --demo" -- "$cur"))
}
complete -o filenames -F _tykscope tykscope
