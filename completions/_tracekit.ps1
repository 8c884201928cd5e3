
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'tracekit' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'tracekit'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'tracekit' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Draw the span tree of one trace as a waterfall (or list the traces of the input)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Latency statistics per group: count, errors, P50/P90/P95/P99/max of duration and self time')
            [CompletionResult]::new('critical-path', 'critical-path', [CompletionResultType]::ParameterValue, 'The critical path of each trace, or with --aggregate which operations own it')
            [CompletionResult]::new('cp', 'cp', [CompletionResultType]::ParameterValue, 'The critical path of each trace, or with --aggregate which operations own it')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Completeness and timing findings per trace (orphans, roots, duplicates, skew…)')
            [CompletionResult]::new('skew', 'skew', [CompletionResultType]::ParameterValue, 'Clock-offset bounds per service (or host) pair; --adjust writes corrected traces')
            [CompletionResult]::new('gate', 'gate', [CompletionResultType]::ParameterValue, 'Evaluate a policy of assertions (coverage, attributes, budgets, rules) for CI')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare a baseline and a candidate by call paths, latency and critical path')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export a timeline (markdown, mermaid, chrome, html, csv, folded) or convert to another trace format')
            [CompletionResult]::new('synth', 'synth', [CompletionResultType]::ParameterValue, 'Generate realistic synthetic traces in any supported format')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one per command) into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tracekit;show' {
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Read every source as this format instead of detecting it from the content')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'The trace to show (32 or 16 hex digits) when the input has several')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'The trace to show (32 or 16 hex digits) when the input has several')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Total width in columns (default: the terminal''s, else 120)')
            [CompletionResult]::new('--depth', '--depth', [CompletionResultType]::ParameterName, 'Show spans down to this depth (roots are depth 0)')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Show only spans of this service (repeatable); their ancestors are kept for context')
            [CompletionResult]::new('--min-duration', '--min-duration', [CompletionResultType]::ParameterName, 'Show only spans at least this long (e.g. 5ms, 1.5s); ancestors are kept for context')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Make any unreadable input fatal (by default it is reported and the others are analysed)')
            [CompletionResult]::new('--ascii', '--ascii', [CompletionResultType]::ParameterName, 'Draw with ASCII only (no box-drawing or block characters)')
            [CompletionResult]::new('--errors', '--errors', [CompletionResultType]::ParameterName, 'Show only error spans and their ancestors')
            [CompletionResult]::new('--attrs', '--attrs', [CompletionResultType]::ParameterName, 'Print attributes and events under each span')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tracekit;stats' {
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Read every source as this format instead of detecting it from the content')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Group spans by service, operation, root (root spans only: request latency per root operation), kind, or attr=KEY')
            [CompletionResult]::new('--group-by', '--group-by', [CompletionResultType]::ParameterName, 'Group spans by service, operation, root (root spans only: request latency per root operation), kind, or attr=KEY')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Percentiles to report, comma-separated (e.g. 50,90,95,99,99.9)')
            [CompletionResult]::new('--percentiles', '--percentiles', [CompletionResultType]::ParameterName, 'Percentiles to report, comma-separated (e.g. 50,90,95,99,99.9)')
            [CompletionResult]::new('--quantile-method', '--quantile-method', [CompletionResultType]::ParameterName, 'Percentile definition: exact nearest rank (default) or type7 linear interpolation')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order of the groups')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'Show only the first N groups')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Make any unreadable input fatal (by default it is reported and the others are analysed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tracekit;critical-path' {
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Read every source as this format instead of detecting it from the content')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only this trace (32 or 16 hex digits); repeatable')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Only this trace (32 or 16 hex digits); repeatable')
            [CompletionResult]::new('--root-operation', '--root-operation', [CompletionResultType]::ParameterName, 'Only traces whose root span has this operation name')
            [CompletionResult]::new('--min-duration', '--min-duration', [CompletionResultType]::ParameterName, 'Only traces at least this long (e.g. 200ms)')
            [CompletionResult]::new('--percentile-band', '--percentile-band', [CompletionResultType]::ParameterName, 'With --aggregate: only traces whose duration lies in this percentile band, e.g. 95-100 for the slowest 5%')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'With --aggregate: percentiles of per-trace critical-path time, comma-separated')
            [CompletionResult]::new('--percentiles', '--percentiles', [CompletionResultType]::ParameterName, 'With --aggregate: percentiles of per-trace critical-path time, comma-separated')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'With --aggregate: show only the first N operations')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Make any unreadable input fatal (by default it is reported and the others are analysed)')
            [CompletionResult]::new('--aggregate', '--aggregate', [CompletionResultType]::ParameterName, 'Aggregate over all traces: which operations own the critical-path time')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Say at each step which child was taken and which overlapping siblings were passed over')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tracekit;cp' {
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Read every source as this format instead of detecting it from the content')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only this trace (32 or 16 hex digits); repeatable')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Only this trace (32 or 16 hex digits); repeatable')
            [CompletionResult]::new('--root-operation', '--root-operation', [CompletionResultType]::ParameterName, 'Only traces whose root span has this operation name')
            [CompletionResult]::new('--min-duration', '--min-duration', [CompletionResultType]::ParameterName, 'Only traces at least this long (e.g. 200ms)')
            [CompletionResult]::new('--percentile-band', '--percentile-band', [CompletionResultType]::ParameterName, 'With --aggregate: only traces whose duration lies in this percentile band, e.g. 95-100 for the slowest 5%')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'With --aggregate: percentiles of per-trace critical-path time, comma-separated')
            [CompletionResult]::new('--percentiles', '--percentiles', [CompletionResultType]::ParameterName, 'With --aggregate: percentiles of per-trace critical-path time, comma-separated')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'With --aggregate: show only the first N operations')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Make any unreadable input fatal (by default it is reported and the others are analysed)')
            [CompletionResult]::new('--aggregate', '--aggregate', [CompletionResultType]::ParameterName, 'Aggregate over all traces: which operations own the critical-path time')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Say at each step which child was taken and which overlapping siblings were passed over')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tracekit;check' {
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Read every source as this format instead of detecting it from the content')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when there is a finding at or above this severity')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a report: sarif=FILE, junit=FILE, json=FILE, or github (workflow annotations on stdout and a step summary in $GITHUB_STEP_SUMMARY); repeatable')
            [CompletionResult]::new('--max-per-rule', '--max-per-rule', [CompletionResultType]::ParameterName, 'Show at most N findings per rule in the table (all of them are in JSON and reports)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--expect-service', '--expect-service', [CompletionResultType]::ParameterName, 'A service every trace must contain (repeatable)')
            [CompletionResult]::new('--expect-root', '--expect-root', [CompletionResultType]::ParameterName, 'The operation every trace''s root span must have')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'How far a child may start before or end after its parent before it is reported')
            [CompletionResult]::new('--skew-threshold', '--skew-threshold', [CompletionResultType]::ParameterName, 'Report service pairs whose clock offset provably exceeds this (skew/clock-skew)')
            [CompletionResult]::new('--skew-by', '--skew-by', [CompletionResultType]::ParameterName, 'Compare clocks of services or of hosts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Make any unreadable input fatal (by default it is reported and the others are analysed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tracekit;skew' {
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Read every source as this format instead of detecting it from the content')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Compare clocks of services or of hosts')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'How offsets are estimated: pairwise bounds (default), or Jaeger''s or Zipkin''s adjuster for comparison')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Flag pairs whose offset provably exceeds this')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'With --adjust: the file to write the corrected traces to')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'With --adjust: the file to write the corrected traces to')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'With --adjust: the format to write (default: the input''s format)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format of the report')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format of the report')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a pair is flagged (flagged pairs are warnings)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Make any unreadable input fatal (by default it is reported and the others are analysed)')
            [CompletionResult]::new('--adjust', '--adjust', [CompletionResultType]::ParameterName, 'Write corrected traces to -o OUT (each span shifted by its service''s offset and tagged tracekit.skew.adjusted_ns)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tracekit;gate' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The policy file (TOML)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'The policy file (TOML)')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Read every source as this format instead of detecting it')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format on stdout')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Also write a report: junit=FILE, sarif=FILE, json=FILE, or github; repeatable')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal')
            [CompletionResult]::new('--init', '--init', [CompletionResultType]::ParameterName, 'Write a commented starter policy to --policy (or - for stdout) and exit')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'With --init: overwrite an existing policy file')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Make any unreadable input fatal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tracekit;diff' {
            [CompletionResult]::new('--base-trace', '--base-trace', [CompletionResultType]::ParameterName, 'Compare only this trace of the baseline')
            [CompletionResult]::new('--candidate-trace', '--candidate-trace', [CompletionResultType]::ParameterName, 'Compare only this trace of the candidate')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'Relative tolerance: a latency change counts when it exceeds this AND --tolerance-abs')
            [CompletionResult]::new('--tolerance-abs', '--tolerance-abs', [CompletionResultType]::ParameterName, 'Absolute tolerance')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Percentiles compared per call path, comma-separated')
            [CompletionResult]::new('--percentiles', '--percentiles', [CompletionResultType]::ParameterName, 'Percentiles compared per call path, comma-separated')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'Lines per group in the summary')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Read both sides as this format instead of detecting it')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal')
            [CompletionResult]::new('--fail-on-regression', '--fail-on-regression', [CompletionResultType]::ParameterName, 'Exit 1 when a call path is slower beyond tolerance')
            [CompletionResult]::new('--fail-on-structure', '--fail-on-structure', [CompletionResultType]::ParameterName, 'Exit 1 when call paths were added or removed')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'List everything, including call paths within tolerance')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Make any unreadable input fatal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tracekit;export' {
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Read every source as this format instead of detecting it from the content')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'What to write')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only this trace (32 or 16 hex digits); repeatable')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Only this trace (32 or 16 hex digits); repeatable')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write: a file, a directory (one file per trace; created if it ends with /), or - for stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write: a file, a directory (one file per trace; created if it ends with /), or - for stdout')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Markdown: also show wall-clock times at this UTC offset (e.g. +02:00)')
            [CompletionResult]::new('--min-duration', '--min-duration', [CompletionResultType]::ParameterName, 'Markdown: list spans at least this long (default: 10% of the trace''s duration)')
            [CompletionResult]::new('--columns', '--columns', [CompletionResultType]::ParameterName, 'CSV: extra columns from span (or resource) attributes, comma-separated')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Make any unreadable input fatal (by default it is reported and the others are analysed)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite existing files')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tracekit;synth' {
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for the random generator: the same seed and flags give byte-identical output')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Number of traces')
            [CompletionResult]::new('--traces', '--traces', [CompletionResultType]::ParameterName, 'Number of traces')
            [CompletionResult]::new('--spans', '--spans', [CompletionResultType]::ParameterName, 'Spans per trace (the mean for the mixed shape; exact for wide and deep)')
            [CompletionResult]::new('--shape', '--shape', [CompletionResultType]::ParameterName, 'Shape of each trace')
            [CompletionResult]::new('--error-rate', '--error-rate', [CompletionResultType]::ParameterName, 'Share of requests that fail (0 to 1); errors propagate to the callers or are retried')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout (gzip-compressed when the name ends in .gz)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout (gzip-compressed when the name ends in .gz)')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'Start of the first trace: Unix seconds or RFC 3339 (default: 2026-01-15T10:00:00Z, for reproducibility)')
            [CompletionResult]::new('--skew', '--skew', [CompletionResultType]::ParameterName, 'Fault: shift every span and event of SERVICE by a signed DURATION, as a skewed clock would (e.g. payment=-25ms; repeatable)')
            [CompletionResult]::new('--drop-rate', '--drop-rate', [CompletionResultType]::ParameterName, 'Fault: drop this share of non-root spans (0 to 1), as a lossy pipeline would; their children become orphans')
            [CompletionResult]::new('--duplicate-ids', '--duplicate-ids', [CompletionResultType]::ParameterName, 'Fault: give this share of leaf spans (0 to 1) the id of another leaf of their trace')
            [CompletionResult]::new('--missing-root-rate', '--missing-root-rate', [CompletionResultType]::ParameterName, 'Fault: remove the root span of this share of traces (0 to 1); its children become orphans')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tracekit;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tracekit;man' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr except errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'tracekit;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Draw the span tree of one trace as a waterfall (or list the traces of the input)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Latency statistics per group: count, errors, P50/P90/P95/P99/max of duration and self time')
            [CompletionResult]::new('critical-path', 'critical-path', [CompletionResultType]::ParameterValue, 'The critical path of each trace, or with --aggregate which operations own it')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Completeness and timing findings per trace (orphans, roots, duplicates, skew…)')
            [CompletionResult]::new('skew', 'skew', [CompletionResultType]::ParameterValue, 'Clock-offset bounds per service (or host) pair; --adjust writes corrected traces')
            [CompletionResult]::new('gate', 'gate', [CompletionResultType]::ParameterValue, 'Evaluate a policy of assertions (coverage, attributes, budgets, rules) for CI')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare a baseline and a candidate by call paths, latency and critical path')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export a timeline (markdown, mermaid, chrome, html, csv, folded) or convert to another trace format')
            [CompletionResult]::new('synth', 'synth', [CompletionResultType]::ParameterValue, 'Generate realistic synthetic traces in any supported format')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one per command) into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tracekit;help;show' {
            break
        }
        'tracekit;help;stats' {
            break
        }
        'tracekit;help;critical-path' {
            break
        }
        'tracekit;help;check' {
            break
        }
        'tracekit;help;skew' {
            break
        }
        'tracekit;help;gate' {
            break
        }
        'tracekit;help;diff' {
            break
        }
        'tracekit;help;export' {
            break
        }
        'tracekit;help;synth' {
            break
        }
        'tracekit;help;completions' {
            break
        }
        'tracekit;help;man' {
            break
        }
        'tracekit;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
