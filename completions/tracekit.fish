# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tracekit_global_optspecs
    string join \n color= q/quiet h/help V/version
end

function __fish_tracekit_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tracekit_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tracekit_using_subcommand
    set -l cmd (__fish_tracekit_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tracekit -n "__fish_tracekit_needs_command" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_needs_command" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_needs_command" -s V -l version -d 'Print version'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "show" -d 'Draw the span tree of one trace as a waterfall (or list the traces of the input)'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "synth" -d 'Generate realistic synthetic traces in any supported format'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "man" -d 'Write man pages (one per command) into a directory'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l input-format -d 'Read every source as this format instead of detecting it from the content' -r -f -a "otlp-json\t'OTLP/JSON: one document, or JSON lines (the Collector file exporter)'
otlp-proto\t'OTLP protobuf TracesData, bare or 4-byte length framed'
jaeger\t'Jaeger query/UI JSON, or api_v3 `{"result": …}`'
zipkin\t'Zipkin v2 (list, or list of lists) or v1 JSON'
tempo\t'Tempo `/api/traces` (`batches`) and `/api/v2/traces` (`trace`) JSON'
jaeger-thrift\t'Jaeger agent Thrift (`emitBatch`, compact or binary protocol), or its JSON dump'"
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -s t -l trace -d 'The trace to show (32 or 16 hex digits) when the input has several' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -s f -l format -d 'Output format' -r -f -a "waterfall\t'Tree with duration bars on the trace\'s timeline'
tree\t'Tree with durations only'
json\t'JSON (schema tracekit.show/v1)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l width -d 'Total width in columns (default: the terminal\'s, else 120)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l depth -d 'Show spans down to this depth (roots are depth 0)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l service -d 'Show only spans of this service (repeatable); their ancestors are kept for context' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l min-duration -d 'Show only spans at least this long (e.g. 5ms, 1.5s); ancestors are kept for context' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l strict -d 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l ascii -d 'Draw with ASCII only (no box-drawing or block characters)'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l errors -d 'Show only error spans and their ancestors'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l attrs -d 'Print attributes and events under each span'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l seed -d 'Seed for the random generator: the same seed gives the same traces' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -s n -l traces -d 'Number of traces' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l spans -d 'Spans per trace (approximate for the mixed shape)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l shape -d 'Shape of each trace' -r -f -a "mixed\t'A realistic mix: fan-out, sequential calls, async messaging, errors'
wide\t'One root with very many direct children'
deep\t'One long chain of nested calls'"
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l error-rate -d 'Share of requests that fail (0 to 1)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l to -d 'Output format' -r -f -a "otlp-json\t'OTLP/JSON, one TracesData document holding every trace'
otlp-jsonl\t'OTLP/JSON lines: one TracesData per trace per line (the Collector file exporter layout)'
otlp-proto\t'OTLP protobuf, one TracesData per trace, each after a 4-byte big-endian length (Collector file exporter)'
jaeger\t'Jaeger query JSON {"data":[trace, …]}'
zipkin\t'Zipkin v2 JSON: a list of traces, each a list of spans'
tempo\t'Tempo /api/traces JSON ({"batches": …}, base64 ids, enum names); one document per line when several traces'
jaeger-thrift\t'Jaeger agent Thrift compact emitBatch messages, one per trace and service'"
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -s o -l output -d 'Write to FILE instead of stdout (gzip-compressed when the name ends in .gz)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l start -d 'Start time of the first trace, Unix seconds (default: a fixed instant, for reproducibility)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand completions" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand completions" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand man" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand man" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show synth completions man help" -f -a "show" -d 'Draw the span tree of one trace as a waterfall (or list the traces of the input)'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show synth completions man help" -f -a "synth" -d 'Generate realistic synthetic traces in any supported format'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show synth completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show synth completions man help" -f -a "man" -d 'Write man pages (one per command) into a directory'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show synth completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
