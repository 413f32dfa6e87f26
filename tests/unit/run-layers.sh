#!/bin/sh
# SPDX-License-Identifier: ISC
# The module graph of src/ against the layer table of src/README: every
# module has a layer, no #include points up a layer, and no modules use
# each other in a cycle (A uses B when A.c includes B.h).
set -u
: "${top_srcdir:=.}"
src="$top_srcdir/src"
readme="$src/README"
[ -f "$readme" ] || { echo "FAIL run-layers: no $readme"; exit 1; }

# One line per include: "FROM-FILE TO-MODULE" (project headers only).
edges=$(for f in "$src"/*.c "$src"/*.h; do
	b=$(basename "$f")
	sed -n 's/^#include "\([^"]*\)\.h".*/\1/p' "$f" | while read -r h; do
		[ "$h" = config ] && continue
		[ -f "$src/$h.h" ] || continue
		echo "$b $h"
	done
done)
modules=$(for f in "$src"/*.c "$src"/*.h; do
	b=$(basename "$f"); echo "${b%.*}"
done | sort -u)

printf '%s\n' "$edges" | awk -v readme="$readme" -v mods="$modules" '
function layer_of(m,    best, bl, p, pre) {
	if (m in exact)
		return exact[m];
	best = ""; bl = -1
	for (p in prefix) {
		pre = substr(p, 1, length(p) - 1)
		if (substr(m, 1, length(pre)) == pre && length(pre) > bl) {
			best = prefix[p]; bl = length(pre)
		}
	}
	return best
}
function dfs(u,    v, k, i, cyc) {
	color[u] = 1
	stack[++sp] = u
	for (k = 1; k <= nuse[u]; k++) {
		v = use[u, k]
		if (color[v] == 1) {
			cyc = v
			for (i = sp; i >= 1 && stack[i] != v; i--)
				cyc = stack[i] " -> " cyc
			cyc = v " -> " cyc
			print "cycle: " cyc
			bad++
		} else if (color[v] == 0)
			dfs(v)
	}
	sp--
	color[u] = 2
}
BEGIN {
	nl = 0; intable = 0
	while ((getline line < readme) > 0) {
		if (line ~ /^-----/) { intable = 1; continue }
		if (intable && line ~ /^[ \t]*$/) { intable = 0; continue }
		if (!intable)
			continue
		n = split(line, w, /[ \t]+/)
		i = 1
		if (line !~ /^[ \t]/) {
			lname[++nl] = w[1]; lrank[w[1]] = nl; i = 2
		}
		for (; i <= n; i++) {
			if (w[i] == "") continue
			if (w[i] ~ /\*$/) prefix[w[i]] = lname[nl]
			else exact[w[i]] = lname[nl]
		}
	}
	if (nl == 0) { print "no layer table in " readme; exit 1 }
	nm = split(mods, ml, /\n/)
	for (i = 1; i <= nm; i++) {
		if (ml[i] == "") continue
		if ((L[ml[i]] = layer_of(ml[i])) == "") {
			print "module " ml[i] " has no layer in src/README"
			bad++
		}
	}
}
NF == 2 {
	file = $1; to = $2
	from = file; sub(/\.[ch]$/, "", from)
	if (from == to || L[from] == "" || L[to] == "")
		next
	if (lrank[L[to]] > lrank[L[from]]) {
		print file " includes " to ".h: " L[from] " includes " L[to] \
		    ", a layer above it"
		bad++
	}
	if (file ~ /\.c$/ && !((from, to) in seen)) {
		seen[from, to] = 1
		use[from, ++nuse[from]] = to
	}
}
END {
	for (i = 1; i <= nm; i++)
		if (ml[i] != "" && color[ml[i]] == 0)
			dfs(ml[i])
	printf "%d modules in %d layers, %d problem(s)\n", nm, nl, bad
	exit bad != 0
}'
st=$?
if [ $st = 0 ]; then
	echo "1 passed, 0 failed"
else
	echo "0 passed, 1 failed"
fi
exit $st
