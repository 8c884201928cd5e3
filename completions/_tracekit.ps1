
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
        'tracekit;synth' {
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for the random generator: the same seed gives the same traces')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Number of traces')
            [CompletionResult]::new('--traces', '--traces', [CompletionResultType]::ParameterName, 'Number of traces')
            [CompletionResult]::new('--spans', '--spans', [CompletionResultType]::ParameterName, 'Spans per trace (approximate for the mixed shape)')
            [CompletionResult]::new('--shape', '--shape', [CompletionResultType]::ParameterName, 'Shape of each trace')
            [CompletionResult]::new('--error-rate', '--error-rate', [CompletionResultType]::ParameterName, 'Share of requests that fail (0 to 1)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout (gzip-compressed when the name ends in .gz)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout (gzip-compressed when the name ends in .gz)')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'Start time of the first trace, Unix seconds (default: a fixed instant, for reproducibility)')
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
            [CompletionResult]::new('synth', 'synth', [CompletionResultType]::ParameterValue, 'Generate realistic synthetic traces in any supported format')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages (one per command) into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tracekit;help;show' {
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
