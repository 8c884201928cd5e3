
use builtin;
use str;

set edit:completion:arg-completer[tracekit] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'tracekit'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'tracekit'= {
            cand --color 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal'
            cand -q 'Print nothing on stderr except errors'
            cand --quiet 'Print nothing on stderr except errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'Draw the span tree of one trace as a waterfall (or list the traces of the input)'
            cand stats 'Latency statistics per group: count, errors, P50/P90/P95/P99/max of duration and self time'
            cand critical-path 'The critical path of each trace, or with --aggregate which operations own it'
            cand cp 'The critical path of each trace, or with --aggregate which operations own it'
            cand check 'Completeness and timing findings per trace (orphans, roots, duplicates, skew…)'
            cand skew 'Clock-offset bounds per service (or host) pair; --adjust writes corrected traces'
            cand gate 'Evaluate a policy of assertions (coverage, attributes, budgets, rules) for CI'
            cand diff 'Compare a baseline and a candidate by call paths, latency and critical path'
            cand export 'Export a timeline (markdown, mermaid, chrome, html, csv, folded) or convert to another trace format'
            cand synth 'Generate realistic synthetic traces in any supported format'
            cand completions 'Print a shell completion script'
            cand man 'Write man pages (one per command) into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tracekit;show'= {
            cand --input-format 'Read every source as this format instead of detecting it from the content'
            cand -t 'The trace to show (32 or 16 hex digits) when the input has several'
            cand --trace 'The trace to show (32 or 16 hex digits) when the input has several'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --width 'Total width in columns (default: the terminal''s, else 120)'
            cand --depth 'Show spans down to this depth (roots are depth 0)'
            cand --service 'Show only spans of this service (repeatable); their ancestors are kept for context'
            cand --min-duration 'Show only spans at least this long (e.g. 5ms, 1.5s); ancestors are kept for context'
            cand -o 'Write to FILE instead of stdout'
            cand --output 'Write to FILE instead of stdout'
            cand --color 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal'
            cand --strict 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
            cand --ascii 'Draw with ASCII only (no box-drawing or block characters)'
            cand --errors 'Show only error spans and their ancestors'
            cand --attrs 'Print attributes and events under each span'
            cand -q 'Print nothing on stderr except errors'
            cand --quiet 'Print nothing on stderr except errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tracekit;stats'= {
            cand --input-format 'Read every source as this format instead of detecting it from the content'
            cand -g 'Group spans by service, operation, root (root spans only: request latency per root operation), kind, or attr=KEY'
            cand --group-by 'Group spans by service, operation, root (root spans only: request latency per root operation), kind, or attr=KEY'
            cand -p 'Percentiles to report, comma-separated (e.g. 50,90,95,99,99.9)'
            cand --percentiles 'Percentiles to report, comma-separated (e.g. 50,90,95,99,99.9)'
            cand --quantile-method 'Percentile definition: exact nearest rank (default) or type7 linear interpolation'
            cand --sort 'Order of the groups'
            cand --top 'Show only the first N groups'
            cand -f 'Output format'
            cand --format 'Output format'
            cand -o 'Write to FILE instead of stdout'
            cand --output 'Write to FILE instead of stdout'
            cand --color 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal'
            cand --strict 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
            cand -q 'Print nothing on stderr except errors'
            cand --quiet 'Print nothing on stderr except errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tracekit;critical-path'= {
            cand --input-format 'Read every source as this format instead of detecting it from the content'
            cand -t 'Only this trace (32 or 16 hex digits); repeatable'
            cand --trace 'Only this trace (32 or 16 hex digits); repeatable'
            cand --root-operation 'Only traces whose root span has this operation name'
            cand --min-duration 'Only traces at least this long (e.g. 200ms)'
            cand --percentile-band 'With --aggregate: only traces whose duration lies in this percentile band, e.g. 95-100 for the slowest 5%'
            cand -p 'With --aggregate: percentiles of per-trace critical-path time, comma-separated'
            cand --percentiles 'With --aggregate: percentiles of per-trace critical-path time, comma-separated'
            cand --top 'With --aggregate: show only the first N operations'
            cand -f 'Output format'
            cand --format 'Output format'
            cand -o 'Write to FILE instead of stdout'
            cand --output 'Write to FILE instead of stdout'
            cand --color 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal'
            cand --strict 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
            cand --aggregate 'Aggregate over all traces: which operations own the critical-path time'
            cand --explain 'Say at each step which child was taken and which overlapping siblings were passed over'
            cand -q 'Print nothing on stderr except errors'
            cand --quiet 'Print nothing on stderr except errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tracekit;cp'= {
            cand --input-format 'Read every source as this format instead of detecting it from the content'
            cand -t 'Only this trace (32 or 16 hex digits); repeatable'
            cand --trace 'Only this trace (32 or 16 hex digits); repeatable'
            cand --root-operation 'Only traces whose root span has this operation name'
            cand --min-duration 'Only traces at least this long (e.g. 200ms)'
            cand --percentile-band 'With --aggregate: only traces whose duration lies in this percentile band, e.g. 95-100 for the slowest 5%'
            cand -p 'With --aggregate: percentiles of per-trace critical-path time, comma-separated'
            cand --percentiles 'With --aggregate: percentiles of per-trace critical-path time, comma-separated'
            cand --top 'With --aggregate: show only the first N operations'
            cand -f 'Output format'
            cand --format 'Output format'
            cand -o 'Write to FILE instead of stdout'
            cand --output 'Write to FILE instead of stdout'
            cand --color 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal'
            cand --strict 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
            cand --aggregate 'Aggregate over all traces: which operations own the critical-path time'
            cand --explain 'Say at each step which child was taken and which overlapping siblings were passed over'
            cand -q 'Print nothing on stderr except errors'
            cand --quiet 'Print nothing on stderr except errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tracekit;check'= {
            cand --input-format 'Read every source as this format instead of detecting it from the content'
            cand -f 'Output format on stdout'
            cand --format 'Output format on stdout'
            cand --fail-on 'Exit 1 when there is a finding at or above this severity'
            cand --report 'Also write a report: sarif=FILE, junit=FILE, json=FILE, or github (workflow annotations on stdout and a step summary in $GITHUB_STEP_SUMMARY); repeatable'
            cand --max-per-rule 'Show at most N findings per rule in the table (all of them are in JSON and reports)'
            cand -o 'Write to FILE instead of stdout'
            cand --output 'Write to FILE instead of stdout'
            cand --expect-service 'A service every trace must contain (repeatable)'
            cand --expect-root 'The operation every trace''s root span must have'
            cand --tolerance 'How far a child may start before or end after its parent before it is reported'
            cand --skew-threshold 'Report service pairs whose clock offset provably exceeds this (skew/clock-skew)'
            cand --skew-by 'Compare clocks of services or of hosts'
            cand --color 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal'
            cand --strict 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
            cand -q 'Print nothing on stderr except errors'
            cand --quiet 'Print nothing on stderr except errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tracekit;skew'= {
            cand --input-format 'Read every source as this format instead of detecting it from the content'
            cand --by 'Compare clocks of services or of hosts'
            cand --method 'How offsets are estimated: pairwise bounds (default), or Jaeger''s or Zipkin''s adjuster for comparison'
            cand --threshold 'Flag pairs whose offset provably exceeds this'
            cand -o 'With --adjust: the file to write the corrected traces to'
            cand --output 'With --adjust: the file to write the corrected traces to'
            cand --to 'With --adjust: the format to write (default: the input''s format)'
            cand -f 'Output format of the report'
            cand --format 'Output format of the report'
            cand --fail-on 'Exit 1 when a pair is flagged (flagged pairs are warnings)'
            cand --color 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal'
            cand --strict 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
            cand --adjust 'Write corrected traces to -o OUT (each span shifted by its service''s offset and tagged tracekit.skew.adjusted_ns)'
            cand -q 'Print nothing on stderr except errors'
            cand --quiet 'Print nothing on stderr except errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tracekit;gate'= {
            cand -p 'The policy file (TOML)'
            cand --policy 'The policy file (TOML)'
            cand --input-format 'Read every source as this format instead of detecting it'
            cand -f 'Output format on stdout'
            cand --format 'Output format on stdout'
            cand --report 'Also write a report: junit=FILE, sarif=FILE, json=FILE, or github; repeatable'
            cand -o 'Write to FILE instead of stdout'
            cand --output 'Write to FILE instead of stdout'
            cand --color 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal'
            cand --init 'Write a commented starter policy to --policy (or - for stdout) and exit'
            cand --force 'With --init: overwrite an existing policy file'
            cand --strict 'Make any unreadable input fatal'
            cand -q 'Print nothing on stderr except errors'
            cand --quiet 'Print nothing on stderr except errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tracekit;diff'= {
            cand --base-trace 'Compare only this trace of the baseline'
            cand --candidate-trace 'Compare only this trace of the candidate'
            cand --tolerance 'Relative tolerance: a latency change counts when it exceeds this AND --tolerance-abs'
            cand --tolerance-abs 'Absolute tolerance'
            cand -p 'Percentiles compared per call path, comma-separated'
            cand --percentiles 'Percentiles compared per call path, comma-separated'
            cand --top 'Lines per group in the summary'
            cand --input-format 'Read both sides as this format instead of detecting it'
            cand -f 'Output format'
            cand --format 'Output format'
            cand -o 'Write to FILE instead of stdout'
            cand --output 'Write to FILE instead of stdout'
            cand --color 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal'
            cand --fail-on-regression 'Exit 1 when a call path is slower beyond tolerance'
            cand --fail-on-structure 'Exit 1 when call paths were added or removed'
            cand --all 'List everything, including call paths within tolerance'
            cand --strict 'Make any unreadable input fatal'
            cand -q 'Print nothing on stderr except errors'
            cand --quiet 'Print nothing on stderr except errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tracekit;export'= {
            cand --input-format 'Read every source as this format instead of detecting it from the content'
            cand --to 'What to write'
            cand -t 'Only this trace (32 or 16 hex digits); repeatable'
            cand --trace 'Only this trace (32 or 16 hex digits); repeatable'
            cand -o 'Where to write: a file, a directory (one file per trace; created if it ends with /), or - for stdout'
            cand --output 'Where to write: a file, a directory (one file per trace; created if it ends with /), or - for stdout'
            cand --tz 'Markdown: also show wall-clock times at this UTC offset (e.g. +02:00)'
            cand --min-duration 'Markdown: list spans at least this long (default: 10% of the trace''s duration)'
            cand --columns 'CSV: extra columns from span (or resource) attributes, comma-separated'
            cand --color 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal'
            cand --strict 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
            cand --force 'Overwrite existing files'
            cand -q 'Print nothing on stderr except errors'
            cand --quiet 'Print nothing on stderr except errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tracekit;synth'= {
            cand --seed 'Seed for the random generator: the same seed and flags give byte-identical output'
            cand -n 'Number of traces'
            cand --traces 'Number of traces'
            cand --spans 'Spans per trace (the mean for the mixed shape; exact for wide and deep)'
            cand --shape 'Shape of each trace'
            cand --error-rate 'Share of requests that fail (0 to 1); errors propagate to the callers or are retried'
            cand --to 'Output format'
            cand -o 'Write to FILE instead of stdout (gzip-compressed when the name ends in .gz)'
            cand --output 'Write to FILE instead of stdout (gzip-compressed when the name ends in .gz)'
            cand --start 'Start of the first trace: Unix seconds or RFC 3339 (default: 2026-01-15T10:00:00Z, for reproducibility)'
            cand --skew 'Fault: shift every span and event of SERVICE by a signed DURATION, as a skewed clock would (e.g. payment=-25ms; repeatable)'
            cand --drop-rate 'Fault: drop this share of non-root spans (0 to 1), as a lossy pipeline would; their children become orphans'
            cand --duplicate-ids 'Fault: give this share of leaf spans (0 to 1) the id of another leaf of their trace'
            cand --missing-root-rate 'Fault: remove the root span of this share of traces (0 to 1); its children become orphans'
            cand --color 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal'
            cand -q 'Print nothing on stderr except errors'
            cand --quiet 'Print nothing on stderr except errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tracekit;completions'= {
            cand --color 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal'
            cand -q 'Print nothing on stderr except errors'
            cand --quiet 'Print nothing on stderr except errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tracekit;man'= {
            cand --color 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal'
            cand -q 'Print nothing on stderr except errors'
            cand --quiet 'Print nothing on stderr except errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'tracekit;help'= {
            cand show 'Draw the span tree of one trace as a waterfall (or list the traces of the input)'
            cand stats 'Latency statistics per group: count, errors, P50/P90/P95/P99/max of duration and self time'
            cand critical-path 'The critical path of each trace, or with --aggregate which operations own it'
            cand check 'Completeness and timing findings per trace (orphans, roots, duplicates, skew…)'
            cand skew 'Clock-offset bounds per service (or host) pair; --adjust writes corrected traces'
            cand gate 'Evaluate a policy of assertions (coverage, attributes, budgets, rules) for CI'
            cand diff 'Compare a baseline and a candidate by call paths, latency and critical path'
            cand export 'Export a timeline (markdown, mermaid, chrome, html, csv, folded) or convert to another trace format'
            cand synth 'Generate realistic synthetic traces in any supported format'
            cand completions 'Print a shell completion script'
            cand man 'Write man pages (one per command) into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tracekit;help;show'= {
        }
        &'tracekit;help;stats'= {
        }
        &'tracekit;help;critical-path'= {
        }
        &'tracekit;help;check'= {
        }
        &'tracekit;help;skew'= {
        }
        &'tracekit;help;gate'= {
        }
        &'tracekit;help;diff'= {
        }
        &'tracekit;help;export'= {
        }
        &'tracekit;help;synth'= {
        }
        &'tracekit;help;completions'= {
        }
        &'tracekit;help;man'= {
        }
        &'tracekit;help;help'= {
        }
    ]
    $completions[$command]
}
