# SPDX-License-Identifier: GPL-2.0
# lib.sh: checks shared by bench/tests/*.sh (sourced; scripts/check skips it).

# json_ok FILE: FILE is one fio-style job that ran: valid JSON, operations
# in some direction, no error, and in every direction that ran nonzero
# iops and percentiles that are positive, ordered and within [min, max].
json_ok() {
	jq -e '.jobs[0] as $j | ($j.read.total_ios + $j.write.total_ios) > 0 and $j.error == 0 and
		([$j.read, $j.write] | map(select(.total_ios > 0)) | all(
			.iops > 0 and
			(.clat_ns.percentile | [.["1.000000"], .["5.000000"], .["10.000000"],
			 .["50.000000"], .["90.000000"], .["95.000000"], .["99.000000"],
			 .["99.900000"], .["99.990000"]] as $p |
			 ($p | all(. > 0)) and ([range(1; $p | length)] | all($p[.] >= $p[. - 1]))) and
			.clat_ns.min <= .clat_ns.percentile["50.000000"] and
			.clat_ns.percentile["99.990000"] <= .clat_ns.max))' "$1" >/dev/null 2>&1
}

# json_line FILE: "N iops, p50 N ns" of the direction that ran
json_line() {
	jq -r '.jobs[0] | [.read, .write] | map(select(.total_ios > 0))[0] | "\(.iops | floor) iops, p50 \(.clat_ns.percentile["50.000000"]) ns"' "$1"
}

# fio_tools_ok FILE DIR: Debian's fio tools read FILE (json+) as fio's own:
# fio_jsonplus_clat2csv turns its bins into DIR/<name>_job0.csv and
# --validate finds the CSV equal to the JSON; then, from the CSV alone,
# the direction that ran counts total_ios operations and its median is
# the JSON's p50. Prints why not, returns 1.
fio_tools_ok() {
	local f=$1 csv out dir n p50
	csv=$2/$(basename "$1" .json).csv
	out=$(fio_jsonplus_clat2csv "$f" "$csv" 2>&1)
	case $out in *_job0.csv\ generated*) ;; *) echo "clat2csv: $out"; return 1 ;; esac
	out=$(fio_jsonplus_clat2csv "$f" "$csv" --validate 2>&1)
	case $out in *_job0.csv\ validated*) ;; *) echo "clat2csv --validate: $out"; return 1 ;; esac
	dir=$(jq -r '.jobs[0] | if .read.total_ios > 0 then "read" else "write" end' "$f")
	n=$(jq -r ".jobs[0].$dir.total_ios" "$f")
	p50=$(jq -r ".jobs[0].$dir.clat_ns.percentile[\"50.000000\"]" "$f")
	out=$(awk -F', *' -v col="${dir}_clat_ns_cumulative" -v half="$(((n + 1) / 2))" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		c && $c != "" { last = $c; if (!med && $c + 0 >= half) med = $1 }
		END { printf "%.0f %.0f\n", last, med }' "${csv%.csv}_job0.csv")
	if [ "$out" != "$n $p50" ]; then
		echo "CSV says ops, median '$out'; JSON says '$n $p50'"
		return 1
	fi
}
