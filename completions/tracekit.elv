
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
        &'tracekit;synth'= {
            cand --seed 'Seed for the random generator: the same seed gives the same traces'
            cand -n 'Number of traces'
            cand --traces 'Number of traces'
            cand --spans 'Spans per trace (approximate for the mixed shape)'
            cand --shape 'Shape of each trace'
            cand --error-rate 'Share of requests that fail (0 to 1)'
            cand --to 'Output format'
            cand -o 'Write to FILE instead of stdout (gzip-compressed when the name ends in .gz)'
            cand --output 'Write to FILE instead of stdout (gzip-compressed when the name ends in .gz)'
            cand --start 'Start time of the first trace, Unix seconds (default: a fixed instant, for reproducibility)'
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
            cand synth 'Generate realistic synthetic traces in any supported format'
            cand completions 'Print a shell completion script'
            cand man 'Write man pages (one per command) into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tracekit;help;show'= {
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
