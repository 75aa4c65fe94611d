# gnuplot script for make bench-scale: raw rows -> searchable index throughput (MB/s) and query
# p95 (ms, log scale) per setup, from bench-scale.csv.  Variables: csv, png, title.
set terminal pngcairo size 1400,620 font ",10"
set output png
set datafile separator ","
set key off
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.7
set xtics rotate by -30 left noenhanced
set grid ytics
set multiplot layout 1,2 title title noenhanced
# column 1 = setup, 7 = e2e_mbs, 18 = p95_ms, 20 = top10_p95_ms
set title "raw rows -> searchable index, MB/s (higher is better)"
set ylabel "MB/s"
set yrange [0:*]
plot csv using 7:xtic(1) every ::1 lc rgb "#3b75af", \
     '' using 0:7:(sprintf("%.1f", $7)) every ::1 with labels offset 0,0.7
set title "query p95, ms (lower is better; log scale)"
set ylabel "ms"
set logscale y
set yrange [*:*]
set key top left
plot csv using 18:xtic(1) every ::1 title "search p95" lc rgb "#d9822b", \
     '' using 20 every ::1 title "ranked top-10 p95" lc rgb "#7a5195"
unset multiplot
