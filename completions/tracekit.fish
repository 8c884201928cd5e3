# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tracekit_global_optspecs
    string join \n color= q/quiet max-file-size= h/help V/version
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
complete -c tracekit -n "__fish_tracekit_needs_command" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_needs_command" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_needs_command" -s V -l version -d 'Print version'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "show" -d 'Draw the span tree of one trace as a waterfall (or list the traces of the input)'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "stats" -d 'Latency statistics per group: count, errors, P50/P90/P95/P99/max of duration and self time'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "critical-path" -d 'The critical path of each trace, or with --aggregate which operations own it'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "cp" -d 'The critical path of each trace, or with --aggregate which operations own it'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "check" -d 'Completeness and timing findings per trace (orphans, roots, duplicates, skew…)'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "skew" -d 'Clock-offset bounds per service (or host) pair; --adjust writes corrected traces'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "gate" -d 'Evaluate a policy of assertions (coverage, attributes, budgets, rules) for CI'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "diff" -d 'Compare a baseline and a candidate by call paths, latency and critical path'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "export" -d 'Export a timeline (markdown, mermaid, chrome, html, csv, folded) or convert to another trace format'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "lint" -d 'Tag and span-name cardinality, and PII or secrets in span data'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "synth" -d 'Generate realistic synthetic traces in any supported format'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "man" -d 'Write man pages (one per command) into a directory'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "fetch" -d 'Download traces by id from a backend and save them'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "search" -d 'Find traces in a backend (service, operation, tags, duration, TraceQL) and list or download them'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "services" -d 'List a backend\'s services (and their operations)'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "rules" -d 'The rules of check, lint and gate: id, severity, commands, description; with RULE, its help'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "schema" -d 'Print the JSON Schema (draft 2020-12) of a command\'s `--format json` document'
complete -c tracekit -n "__fish_tracekit_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l input-format -d 'Read every source as this format instead of detecting it from the content' -r -f -a "otlp-json\t'OTLP/JSON: one document, or JSON lines (the Collector file exporter)'
otlp-proto\t'OTLP protobuf TracesData, bare or 4-byte length framed'
jaeger\t'Jaeger query/UI JSON, or api_v3 `{"result": …}`'
zipkin\t'Zipkin v2 (list, or list of lists) or v1 JSON'
tempo\t'Tempo `/api/traces` (`batches`) and `/api/v2/traces` (`trace`) JSON'
jaeger-thrift\t'Jaeger agent Thrift (`emitBatch`, compact or binary protocol), or its JSON dump'"
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l max-inflate-ratio -d 'Refuse gzip input that inflates more than N times its compressed size past the first 64 MiB (a decompression bomb; real trace files compress 5-20x); 0 = no limit' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l max-string-bytes -d 'Cut any string value (attribute, name, message) longer than SIZE and report it as an input problem (exit 3); the rest of the span is kept [default: 4MiB]' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l backend -d 'A profile name from the config files, or a URL such as http://tempo:3200 (may include a base path)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l backend-kind -d 'The backend\'s API (default: the profile\'s kind; for a bare URL it is detected with a few cheap requests)' -r -f -a "jaeger\t'Jaeger query: api_v3 (`/api/v3`), falling back to the legacy `/api` (also VictoriaTraces)'
zipkin\t'Zipkin v2 API (`/api/v2`)'
tempo\t'Grafana Tempo (`/api/v2/traces`, `/api/search`)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l tenant -d 'Tenant sent as X-Scope-OrgID (Tempo, Grafana Cloud)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l header -d 'Extra request header "Name: value" (repeatable; values are never printed)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l token-file -d 'Read the bearer token from FILE (default: TRACEKIT_TOKEN, or the profile\'s token_env)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l ca-file -d 'Also trust the CA certificates in this PEM file for the backend\'s TLS' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l timeout -d 'Time limit per request, connect to the end of the body, e.g. 10s (default 30s)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l retries -d 'Retries after connection errors, 429 and 5xx answers, with exponential backoff (default 3)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l total-timeout -d 'Time limit for a request and all its retries, waits included (default 2m)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l max-response-size -d 'Largest answer read from the backend, after decompression, e.g. 1GiB (default 512MiB)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l cache -d 'Keep fetched traces in DIR so that looking again needs no network (default: cache_dir in the config, else off)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l search-service -d 'Search traces with spans of this service' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l search-operation -d '… and this operation (span name)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l search-tag -d '… and this tag, KEY=VALUE (repeatable)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l search-query -d 'Search with a TraceQL query (Tempo)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l search-min-duration -d 'Only traces at least this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l search-max-duration -d 'Only traces at most this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l since -l search-since -d 'Search the last DURATION, e.g. 15m, 1h, 24h (default 1h)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l search-start -d 'Search from this instant (RFC 3339, e.g. 2026-11-21T09:00:00Z, or Unix seconds)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l search-end -d 'Search up to this instant (default: now)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l search-limit -d 'At most N traces (default 20)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -s t -l trace -d 'The trace to show when the input has several: its id (32 or 16 hex digits) or a unique prefix of at least 8' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -s f -l format -d 'Output format' -r -f -a "waterfall\t'Tree with duration bars on the trace\'s timeline'
tree\t'Tree with durations only'
json\t'JSON (schema tracekit.show/v1)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l width -d 'Total width in columns (default: COLUMNS, else the terminal\'s, else 120); kept within 40 to 1000' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l depth -d 'Show spans down to this depth (roots are depth 0)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l service -d 'Show only spans of this service (repeatable); their ancestors are kept for context' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l min-duration -d 'Show only spans at least this long (e.g. 5ms, 1.5s); ancestors are kept for context' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l strict -d 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l allow-empty -d 'Accept an input that holds no span ({}, [], an empty directory, nothing on stdin): print the empty result and exit 0 instead of failing with exit 3'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l insecure -d 'Do not verify the backend\'s TLS certificate (dangerous: prints a warning on every run)'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l no-cache -d 'Neither read nor write the cache'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l protobuf -d 'Tempo: fetch traces as protobuf instead of JSON'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l ascii -d 'Draw with ASCII only (no box-drawing or block characters)'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l errors -d 'Show only error spans and their ancestors'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l attrs -d 'Print attributes and events under each span'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -l critical-path -d 'Mark the spans on the critical path (the legend gives its length)'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l input-format -d 'Read every source as this format instead of detecting it from the content' -r -f -a "otlp-json\t'OTLP/JSON: one document, or JSON lines (the Collector file exporter)'
otlp-proto\t'OTLP protobuf TracesData, bare or 4-byte length framed'
jaeger\t'Jaeger query/UI JSON, or api_v3 `{"result": …}`'
zipkin\t'Zipkin v2 (list, or list of lists) or v1 JSON'
tempo\t'Tempo `/api/traces` (`batches`) and `/api/v2/traces` (`trace`) JSON'
jaeger-thrift\t'Jaeger agent Thrift (`emitBatch`, compact or binary protocol), or its JSON dump'"
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l max-inflate-ratio -d 'Refuse gzip input that inflates more than N times its compressed size past the first 64 MiB (a decompression bomb; real trace files compress 5-20x); 0 = no limit' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l max-string-bytes -d 'Cut any string value (attribute, name, message) longer than SIZE and report it as an input problem (exit 3); the rest of the span is kept [default: 4MiB]' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l backend -d 'A profile name from the config files, or a URL such as http://tempo:3200 (may include a base path)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l backend-kind -d 'The backend\'s API (default: the profile\'s kind; for a bare URL it is detected with a few cheap requests)' -r -f -a "jaeger\t'Jaeger query: api_v3 (`/api/v3`), falling back to the legacy `/api` (also VictoriaTraces)'
zipkin\t'Zipkin v2 API (`/api/v2`)'
tempo\t'Grafana Tempo (`/api/v2/traces`, `/api/search`)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l tenant -d 'Tenant sent as X-Scope-OrgID (Tempo, Grafana Cloud)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l header -d 'Extra request header "Name: value" (repeatable; values are never printed)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l token-file -d 'Read the bearer token from FILE (default: TRACEKIT_TOKEN, or the profile\'s token_env)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l ca-file -d 'Also trust the CA certificates in this PEM file for the backend\'s TLS' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l timeout -d 'Time limit per request, connect to the end of the body, e.g. 10s (default 30s)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l retries -d 'Retries after connection errors, 429 and 5xx answers, with exponential backoff (default 3)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l total-timeout -d 'Time limit for a request and all its retries, waits included (default 2m)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l max-response-size -d 'Largest answer read from the backend, after decompression, e.g. 1GiB (default 512MiB)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l cache -d 'Keep fetched traces in DIR so that looking again needs no network (default: cache_dir in the config, else off)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l search-service -d 'Search traces with spans of this service' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l search-operation -d '… and this operation (span name)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l search-tag -d '… and this tag, KEY=VALUE (repeatable)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l search-query -d 'Search with a TraceQL query (Tempo)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l search-min-duration -d 'Only traces at least this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l search-max-duration -d 'Only traces at most this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l since -l search-since -d 'Search the last DURATION, e.g. 15m, 1h, 24h (default 1h)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l search-start -d 'Search from this instant (RFC 3339, e.g. 2026-11-21T09:00:00Z, or Unix seconds)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l search-end -d 'Search up to this instant (default: now)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l search-limit -d 'At most N traces (default 20)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -s g -l group-by -d 'Group spans by service, operation, root (root spans only: request latency per root operation), kind, or attr=KEY' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -s p -l percentiles -d 'Percentiles to report, comma-separated (e.g. 50,90,95,99,99.9)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l quantile-method -d 'Percentile definition: exact nearest rank (default) or type7 linear interpolation' -r -f -a "nearest-rank\t'Nearest rank: always an observed value; rank ceil(q/100 × N)'
type7\t'Hyndman–Fan type 7: linear interpolation between closest ranks (numpy, PromQL)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l sort -d 'Order of the groups' -r -f -a "name\t'By group name'
count\t'Most spans first'
errors\t'Most errors first'
error-rate\t'Highest error rate first'
p50\t'Highest P50 first'
p95\t'Highest P95 first'
p99\t'Highest P99 first'
max\t'Highest maximum first'
total\t'Highest total time first'"
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l top -d 'Show only the first N groups' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -s f -l format -d 'Output format' -r -f -a "table\t'A table for the terminal'
json\t'JSON (schema tracekit.<command>/v1)'
csv\t'Comma-separated values with a header row'
markdown\t'A GitHub-flavoured Markdown table'"
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l strict -d 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l allow-empty -d 'Accept an input that holds no span ({}, [], an empty directory, nothing on stdin): print the empty result and exit 0 instead of failing with exit 3'
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l insecure -d 'Do not verify the backend\'s TLS certificate (dangerous: prints a warning on every run)'
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l no-cache -d 'Neither read nor write the cache'
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -l protobuf -d 'Tempo: fetch traces as protobuf instead of JSON'
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l input-format -d 'Read every source as this format instead of detecting it from the content' -r -f -a "otlp-json\t'OTLP/JSON: one document, or JSON lines (the Collector file exporter)'
otlp-proto\t'OTLP protobuf TracesData, bare or 4-byte length framed'
jaeger\t'Jaeger query/UI JSON, or api_v3 `{"result": …}`'
zipkin\t'Zipkin v2 (list, or list of lists) or v1 JSON'
tempo\t'Tempo `/api/traces` (`batches`) and `/api/v2/traces` (`trace`) JSON'
jaeger-thrift\t'Jaeger agent Thrift (`emitBatch`, compact or binary protocol), or its JSON dump'"
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l max-inflate-ratio -d 'Refuse gzip input that inflates more than N times its compressed size past the first 64 MiB (a decompression bomb; real trace files compress 5-20x); 0 = no limit' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l max-string-bytes -d 'Cut any string value (attribute, name, message) longer than SIZE and report it as an input problem (exit 3); the rest of the span is kept [default: 4MiB]' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l backend -d 'A profile name from the config files, or a URL such as http://tempo:3200 (may include a base path)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l backend-kind -d 'The backend\'s API (default: the profile\'s kind; for a bare URL it is detected with a few cheap requests)' -r -f -a "jaeger\t'Jaeger query: api_v3 (`/api/v3`), falling back to the legacy `/api` (also VictoriaTraces)'
zipkin\t'Zipkin v2 API (`/api/v2`)'
tempo\t'Grafana Tempo (`/api/v2/traces`, `/api/search`)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l tenant -d 'Tenant sent as X-Scope-OrgID (Tempo, Grafana Cloud)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l header -d 'Extra request header "Name: value" (repeatable; values are never printed)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l token-file -d 'Read the bearer token from FILE (default: TRACEKIT_TOKEN, or the profile\'s token_env)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l ca-file -d 'Also trust the CA certificates in this PEM file for the backend\'s TLS' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l timeout -d 'Time limit per request, connect to the end of the body, e.g. 10s (default 30s)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l retries -d 'Retries after connection errors, 429 and 5xx answers, with exponential backoff (default 3)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l total-timeout -d 'Time limit for a request and all its retries, waits included (default 2m)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l max-response-size -d 'Largest answer read from the backend, after decompression, e.g. 1GiB (default 512MiB)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l cache -d 'Keep fetched traces in DIR so that looking again needs no network (default: cache_dir in the config, else off)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l search-service -d 'Search traces with spans of this service' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l search-operation -d '… and this operation (span name)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l search-tag -d '… and this tag, KEY=VALUE (repeatable)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l search-query -d 'Search with a TraceQL query (Tempo)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l search-min-duration -d 'Only traces at least this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l search-max-duration -d 'Only traces at most this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l since -l search-since -d 'Search the last DURATION, e.g. 15m, 1h, 24h (default 1h)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l search-start -d 'Search from this instant (RFC 3339, e.g. 2026-11-21T09:00:00Z, or Unix seconds)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l search-end -d 'Search up to this instant (default: now)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l search-limit -d 'At most N traces (default 20)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -s t -l trace -d 'Only this trace: its id (32 or 16 hex digits) or a unique prefix of at least 8; repeatable' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l root-operation -d 'Only traces whose root span has this operation name' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l min-duration -d 'Only traces at least this long (e.g. 200ms)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l percentile-band -d 'With --aggregate: only traces whose duration lies in this percentile band, e.g. 95-100 for the slowest 5%' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -s p -l percentiles -d 'With --aggregate: percentiles of per-trace critical-path time, comma-separated' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l top -d 'With --aggregate: show only the first N operations' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -s f -l format -d 'Output format' -r -f -a "table\t'A table for the terminal'
json\t'JSON (schema tracekit.<command>/v1)'
csv\t'Comma-separated values with a header row'
markdown\t'A GitHub-flavoured Markdown table'"
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l strict -d 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l allow-empty -d 'Accept an input that holds no span ({}, [], an empty directory, nothing on stdin): print the empty result and exit 0 instead of failing with exit 3'
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l insecure -d 'Do not verify the backend\'s TLS certificate (dangerous: prints a warning on every run)'
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l no-cache -d 'Neither read nor write the cache'
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l protobuf -d 'Tempo: fetch traces as protobuf instead of JSON'
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l aggregate -d 'Aggregate over all traces: which operations own the critical-path time'
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -l explain -d 'Say at each step which child was taken and which overlapping siblings were passed over'
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand critical-path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l input-format -d 'Read every source as this format instead of detecting it from the content' -r -f -a "otlp-json\t'OTLP/JSON: one document, or JSON lines (the Collector file exporter)'
otlp-proto\t'OTLP protobuf TracesData, bare or 4-byte length framed'
jaeger\t'Jaeger query/UI JSON, or api_v3 `{"result": …}`'
zipkin\t'Zipkin v2 (list, or list of lists) or v1 JSON'
tempo\t'Tempo `/api/traces` (`batches`) and `/api/v2/traces` (`trace`) JSON'
jaeger-thrift\t'Jaeger agent Thrift (`emitBatch`, compact or binary protocol), or its JSON dump'"
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l max-inflate-ratio -d 'Refuse gzip input that inflates more than N times its compressed size past the first 64 MiB (a decompression bomb; real trace files compress 5-20x); 0 = no limit' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l max-string-bytes -d 'Cut any string value (attribute, name, message) longer than SIZE and report it as an input problem (exit 3); the rest of the span is kept [default: 4MiB]' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l backend -d 'A profile name from the config files, or a URL such as http://tempo:3200 (may include a base path)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l backend-kind -d 'The backend\'s API (default: the profile\'s kind; for a bare URL it is detected with a few cheap requests)' -r -f -a "jaeger\t'Jaeger query: api_v3 (`/api/v3`), falling back to the legacy `/api` (also VictoriaTraces)'
zipkin\t'Zipkin v2 API (`/api/v2`)'
tempo\t'Grafana Tempo (`/api/v2/traces`, `/api/search`)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l tenant -d 'Tenant sent as X-Scope-OrgID (Tempo, Grafana Cloud)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l header -d 'Extra request header "Name: value" (repeatable; values are never printed)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l token-file -d 'Read the bearer token from FILE (default: TRACEKIT_TOKEN, or the profile\'s token_env)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l ca-file -d 'Also trust the CA certificates in this PEM file for the backend\'s TLS' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l timeout -d 'Time limit per request, connect to the end of the body, e.g. 10s (default 30s)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l retries -d 'Retries after connection errors, 429 and 5xx answers, with exponential backoff (default 3)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l total-timeout -d 'Time limit for a request and all its retries, waits included (default 2m)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l max-response-size -d 'Largest answer read from the backend, after decompression, e.g. 1GiB (default 512MiB)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l cache -d 'Keep fetched traces in DIR so that looking again needs no network (default: cache_dir in the config, else off)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l search-service -d 'Search traces with spans of this service' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l search-operation -d '… and this operation (span name)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l search-tag -d '… and this tag, KEY=VALUE (repeatable)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l search-query -d 'Search with a TraceQL query (Tempo)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l search-min-duration -d 'Only traces at least this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l search-max-duration -d 'Only traces at most this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l since -l search-since -d 'Search the last DURATION, e.g. 15m, 1h, 24h (default 1h)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l search-start -d 'Search from this instant (RFC 3339, e.g. 2026-11-21T09:00:00Z, or Unix seconds)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l search-end -d 'Search up to this instant (default: now)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l search-limit -d 'At most N traces (default 20)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -s t -l trace -d 'Only this trace: its id (32 or 16 hex digits) or a unique prefix of at least 8; repeatable' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l root-operation -d 'Only traces whose root span has this operation name' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l min-duration -d 'Only traces at least this long (e.g. 200ms)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l percentile-band -d 'With --aggregate: only traces whose duration lies in this percentile band, e.g. 95-100 for the slowest 5%' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -s p -l percentiles -d 'With --aggregate: percentiles of per-trace critical-path time, comma-separated' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l top -d 'With --aggregate: show only the first N operations' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -s f -l format -d 'Output format' -r -f -a "table\t'A table for the terminal'
json\t'JSON (schema tracekit.<command>/v1)'
csv\t'Comma-separated values with a header row'
markdown\t'A GitHub-flavoured Markdown table'"
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l strict -d 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l allow-empty -d 'Accept an input that holds no span ({}, [], an empty directory, nothing on stdin): print the empty result and exit 0 instead of failing with exit 3'
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l insecure -d 'Do not verify the backend\'s TLS certificate (dangerous: prints a warning on every run)'
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l no-cache -d 'Neither read nor write the cache'
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l protobuf -d 'Tempo: fetch traces as protobuf instead of JSON'
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l aggregate -d 'Aggregate over all traces: which operations own the critical-path time'
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -l explain -d 'Say at each step which child was taken and which overlapping siblings were passed over'
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand cp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l input-format -d 'Read every source as this format instead of detecting it from the content' -r -f -a "otlp-json\t'OTLP/JSON: one document, or JSON lines (the Collector file exporter)'
otlp-proto\t'OTLP protobuf TracesData, bare or 4-byte length framed'
jaeger\t'Jaeger query/UI JSON, or api_v3 `{"result": …}`'
zipkin\t'Zipkin v2 (list, or list of lists) or v1 JSON'
tempo\t'Tempo `/api/traces` (`batches`) and `/api/v2/traces` (`trace`) JSON'
jaeger-thrift\t'Jaeger agent Thrift (`emitBatch`, compact or binary protocol), or its JSON dump'"
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l max-inflate-ratio -d 'Refuse gzip input that inflates more than N times its compressed size past the first 64 MiB (a decompression bomb; real trace files compress 5-20x); 0 = no limit' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l max-string-bytes -d 'Cut any string value (attribute, name, message) longer than SIZE and report it as an input problem (exit 3); the rest of the span is kept [default: 4MiB]' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l backend -d 'A profile name from the config files, or a URL such as http://tempo:3200 (may include a base path)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l backend-kind -d 'The backend\'s API (default: the profile\'s kind; for a bare URL it is detected with a few cheap requests)' -r -f -a "jaeger\t'Jaeger query: api_v3 (`/api/v3`), falling back to the legacy `/api` (also VictoriaTraces)'
zipkin\t'Zipkin v2 API (`/api/v2`)'
tempo\t'Grafana Tempo (`/api/v2/traces`, `/api/search`)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l tenant -d 'Tenant sent as X-Scope-OrgID (Tempo, Grafana Cloud)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l header -d 'Extra request header "Name: value" (repeatable; values are never printed)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l token-file -d 'Read the bearer token from FILE (default: TRACEKIT_TOKEN, or the profile\'s token_env)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l ca-file -d 'Also trust the CA certificates in this PEM file for the backend\'s TLS' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l timeout -d 'Time limit per request, connect to the end of the body, e.g. 10s (default 30s)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l retries -d 'Retries after connection errors, 429 and 5xx answers, with exponential backoff (default 3)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l total-timeout -d 'Time limit for a request and all its retries, waits included (default 2m)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l max-response-size -d 'Largest answer read from the backend, after decompression, e.g. 1GiB (default 512MiB)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l cache -d 'Keep fetched traces in DIR so that looking again needs no network (default: cache_dir in the config, else off)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l search-service -d 'Search traces with spans of this service' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l search-operation -d '… and this operation (span name)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l search-tag -d '… and this tag, KEY=VALUE (repeatable)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l search-query -d 'Search with a TraceQL query (Tempo)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l search-min-duration -d 'Only traces at least this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l search-max-duration -d 'Only traces at most this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l since -l search-since -d 'Search the last DURATION, e.g. 15m, 1h, 24h (default 1h)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l search-start -d 'Search from this instant (RFC 3339, e.g. 2026-11-21T09:00:00Z, or Unix seconds)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l search-end -d 'Search up to this instant (default: now)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l search-limit -d 'At most N traces (default 20)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -s f -l format -d 'Output format on stdout' -r -f -a "table\t'Findings grouped per rule with a summary, for people'
json\t'JSON (schema tracekit.<command>/v1)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l fail-on -d 'Exit 1 when there is a finding at or above this severity' -r -f -a "error\t''
warning\t''
note\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l report -d 'Also write a report: sarif=FILE, junit=FILE, json=FILE, or github (workflow annotations on stdout and a step summary in $GITHUB_STEP_SUMMARY); repeatable' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l max-per-rule -d 'Show at most N findings per rule in the table (all of them are in JSON and reports)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l expect-service -d 'A service every trace must contain (repeatable)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l expect-root -d 'The operation every trace\'s root span must have' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l tolerance -d 'How far a child may start before or end after its parent before it is reported' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l skew-threshold -d 'Report service pairs whose clock offset provably exceeds this (skew/clock-skew)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l skew-by -d 'Compare clocks of services or of hosts' -r -f -a "service\t'Service names'
host\t'Hosts (resource host.id, host.ip, host.name; Zipkin endpoint addresses), service names where a host is unknown'"
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l strict -d 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l allow-empty -d 'Accept an input that holds no span ({}, [], an empty directory, nothing on stdin): print the empty result and exit 0 instead of failing with exit 3'
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l insecure -d 'Do not verify the backend\'s TLS certificate (dangerous: prints a warning on every run)'
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l no-cache -d 'Neither read nor write the cache'
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -l protobuf -d 'Tempo: fetch traces as protobuf instead of JSON'
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l input-format -d 'Read every source as this format instead of detecting it from the content' -r -f -a "otlp-json\t'OTLP/JSON: one document, or JSON lines (the Collector file exporter)'
otlp-proto\t'OTLP protobuf TracesData, bare or 4-byte length framed'
jaeger\t'Jaeger query/UI JSON, or api_v3 `{"result": …}`'
zipkin\t'Zipkin v2 (list, or list of lists) or v1 JSON'
tempo\t'Tempo `/api/traces` (`batches`) and `/api/v2/traces` (`trace`) JSON'
jaeger-thrift\t'Jaeger agent Thrift (`emitBatch`, compact or binary protocol), or its JSON dump'"
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l max-inflate-ratio -d 'Refuse gzip input that inflates more than N times its compressed size past the first 64 MiB (a decompression bomb; real trace files compress 5-20x); 0 = no limit' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l max-string-bytes -d 'Cut any string value (attribute, name, message) longer than SIZE and report it as an input problem (exit 3); the rest of the span is kept [default: 4MiB]' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l backend -d 'A profile name from the config files, or a URL such as http://tempo:3200 (may include a base path)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l backend-kind -d 'The backend\'s API (default: the profile\'s kind; for a bare URL it is detected with a few cheap requests)' -r -f -a "jaeger\t'Jaeger query: api_v3 (`/api/v3`), falling back to the legacy `/api` (also VictoriaTraces)'
zipkin\t'Zipkin v2 API (`/api/v2`)'
tempo\t'Grafana Tempo (`/api/v2/traces`, `/api/search`)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l tenant -d 'Tenant sent as X-Scope-OrgID (Tempo, Grafana Cloud)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l header -d 'Extra request header "Name: value" (repeatable; values are never printed)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l token-file -d 'Read the bearer token from FILE (default: TRACEKIT_TOKEN, or the profile\'s token_env)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l ca-file -d 'Also trust the CA certificates in this PEM file for the backend\'s TLS' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l timeout -d 'Time limit per request, connect to the end of the body, e.g. 10s (default 30s)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l retries -d 'Retries after connection errors, 429 and 5xx answers, with exponential backoff (default 3)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l total-timeout -d 'Time limit for a request and all its retries, waits included (default 2m)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l max-response-size -d 'Largest answer read from the backend, after decompression, e.g. 1GiB (default 512MiB)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l cache -d 'Keep fetched traces in DIR so that looking again needs no network (default: cache_dir in the config, else off)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l search-service -d 'Search traces with spans of this service' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l search-operation -d '… and this operation (span name)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l search-tag -d '… and this tag, KEY=VALUE (repeatable)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l search-query -d 'Search with a TraceQL query (Tempo)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l search-min-duration -d 'Only traces at least this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l search-max-duration -d 'Only traces at most this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l since -l search-since -d 'Search the last DURATION, e.g. 15m, 1h, 24h (default 1h)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l search-start -d 'Search from this instant (RFC 3339, e.g. 2026-11-21T09:00:00Z, or Unix seconds)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l search-end -d 'Search up to this instant (default: now)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l search-limit -d 'At most N traces (default 20)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l by -d 'Compare clocks of services or of hosts' -r -f -a "service\t'Service names'
host\t'Hosts (resource host.id, host.ip, host.name; Zipkin endpoint addresses), service names where a host is unknown'"
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l method -d 'How offsets are estimated: pairwise bounds (default), or Jaeger\'s or Zipkin\'s adjuster for comparison' -r -f -a "pairwise\t'Intersect the causality bounds of all edges of a pair; estimate = midpoint'
jaeger\t'Jaeger\'s adjuster: centre a child that does not fit in its parent (any pair of hosts)'
zipkin\t'Zipkin\'s adjuster: only a SERVER that starts before its CLIENT, on another address'"
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l threshold -d 'Flag pairs whose offset provably exceeds this' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -s o -l output -d 'With --adjust: the file to write the corrected traces to' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l to -d 'With --adjust: the format to write (default: the input\'s format)' -r -f -a "otlp-json\t'OTLP/JSON, one TracesData document holding every trace'
otlp-jsonl\t'OTLP/JSON lines: one TracesData per trace per line (the Collector file exporter layout)'
otlp-proto\t'OTLP protobuf, one TracesData per trace, each after a 4-byte big-endian length (Collector file exporter)'
jaeger\t'Jaeger query JSON {"data":[trace, …]}'
zipkin\t'Zipkin v2 JSON: a list of traces, each a list of spans'
tempo\t'Tempo /api/traces JSON ({"batches": …}, base64 ids, enum names); one document per line when several traces'
jaeger-thrift\t'Jaeger agent Thrift compact emitBatch messages, one per trace and service'"
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -s f -l format -d 'Output format of the report' -r -f -a "table\t'A table for the terminal'
json\t'JSON (schema tracekit.<command>/v1)'
csv\t'Comma-separated values with a header row'
markdown\t'A GitHub-flavoured Markdown table'"
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l fail-on -d 'Exit 1 when a pair is flagged (flagged pairs are warnings)' -r -f -a "error\t''
warning\t''
note\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l strict -d 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l allow-empty -d 'Accept an input that holds no span ({}, [], an empty directory, nothing on stdin): print the empty result and exit 0 instead of failing with exit 3'
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l insecure -d 'Do not verify the backend\'s TLS certificate (dangerous: prints a warning on every run)'
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l no-cache -d 'Neither read nor write the cache'
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l protobuf -d 'Tempo: fetch traces as protobuf instead of JSON'
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -l adjust -d 'Write corrected traces to -o OUT (each span shifted by its service\'s offset and tagged tracekit.skew.adjusted_ns)'
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand skew" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l input-format -d 'Read every source as this format instead of detecting it from the content' -r -f -a "otlp-json\t'OTLP/JSON: one document, or JSON lines (the Collector file exporter)'
otlp-proto\t'OTLP protobuf TracesData, bare or 4-byte length framed'
jaeger\t'Jaeger query/UI JSON, or api_v3 `{"result": …}`'
zipkin\t'Zipkin v2 (list, or list of lists) or v1 JSON'
tempo\t'Tempo `/api/traces` (`batches`) and `/api/v2/traces` (`trace`) JSON'
jaeger-thrift\t'Jaeger agent Thrift (`emitBatch`, compact or binary protocol), or its JSON dump'"
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l max-inflate-ratio -d 'Refuse gzip input that inflates more than N times its compressed size past the first 64 MiB (a decompression bomb; real trace files compress 5-20x); 0 = no limit' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l max-string-bytes -d 'Cut any string value (attribute, name, message) longer than SIZE and report it as an input problem (exit 3); the rest of the span is kept [default: 4MiB]' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l backend -d 'A profile name from the config files, or a URL such as http://tempo:3200 (may include a base path)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l backend-kind -d 'The backend\'s API (default: the profile\'s kind; for a bare URL it is detected with a few cheap requests)' -r -f -a "jaeger\t'Jaeger query: api_v3 (`/api/v3`), falling back to the legacy `/api` (also VictoriaTraces)'
zipkin\t'Zipkin v2 API (`/api/v2`)'
tempo\t'Grafana Tempo (`/api/v2/traces`, `/api/search`)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l tenant -d 'Tenant sent as X-Scope-OrgID (Tempo, Grafana Cloud)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l header -d 'Extra request header "Name: value" (repeatable; values are never printed)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l token-file -d 'Read the bearer token from FILE (default: TRACEKIT_TOKEN, or the profile\'s token_env)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l ca-file -d 'Also trust the CA certificates in this PEM file for the backend\'s TLS' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l timeout -d 'Time limit per request, connect to the end of the body, e.g. 10s (default 30s)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l retries -d 'Retries after connection errors, 429 and 5xx answers, with exponential backoff (default 3)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l total-timeout -d 'Time limit for a request and all its retries, waits included (default 2m)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l max-response-size -d 'Largest answer read from the backend, after decompression, e.g. 1GiB (default 512MiB)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l cache -d 'Keep fetched traces in DIR so that looking again needs no network (default: cache_dir in the config, else off)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l search-service -d 'Search traces with spans of this service' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l search-operation -d '… and this operation (span name)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l search-tag -d '… and this tag, KEY=VALUE (repeatable)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l search-query -d 'Search with a TraceQL query (Tempo)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l search-min-duration -d 'Only traces at least this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l search-max-duration -d 'Only traces at most this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l since -l search-since -d 'Search the last DURATION, e.g. 15m, 1h, 24h (default 1h)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l search-start -d 'Search from this instant (RFC 3339, e.g. 2026-11-21T09:00:00Z, or Unix seconds)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l search-end -d 'Search up to this instant (default: now)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l search-limit -d 'At most N traces (default 20)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -s p -l policy -d 'The policy file (TOML)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l init -d 'Write a commented starter policy to FILE (default tracekit-gate.toml; - for stdout) and exit' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -s f -l format -d 'Output format on stdout' -r -f -a "table\t'Findings grouped per rule with a summary, for people'
json\t'JSON (schema tracekit.<command>/v1)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l report -d 'Also write a report: junit=FILE, sarif=FILE, json=FILE, or github; repeatable' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l strict -d 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l allow-empty -d 'Accept an input that holds no span ({}, [], an empty directory, nothing on stdin): print the empty result and exit 0 instead of failing with exit 3'
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l insecure -d 'Do not verify the backend\'s TLS certificate (dangerous: prints a warning on every run)'
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l no-cache -d 'Neither read nor write the cache'
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l protobuf -d 'Tempo: fetch traces as protobuf instead of JSON'
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -l force -d 'With --init: overwrite an existing file'
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand gate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l base-trace -d 'Compare only this trace of the baseline (its id, or a unique prefix of at least 8 hex digits)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l candidate-trace -d 'Compare only this trace of the candidate (its id, or a unique prefix of at least 8 hex digits)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l tolerance -d 'Relative tolerance: a latency change counts when it exceeds this AND --tolerance-abs' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l tolerance-abs -d 'Absolute tolerance' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -s p -l percentiles -d 'Percentiles compared per call path, comma-separated' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l top -d 'Lines per group in the summary' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l input-format -d 'Read both sides as this format instead of detecting it' -r -f -a "otlp-json\t'OTLP/JSON: one document, or JSON lines (the Collector file exporter)'
otlp-proto\t'OTLP protobuf TracesData, bare or 4-byte length framed'
jaeger\t'Jaeger query/UI JSON, or api_v3 `{"result": …}`'
zipkin\t'Zipkin v2 (list, or list of lists) or v1 JSON'
tempo\t'Tempo `/api/traces` (`batches`) and `/api/v2/traces` (`trace`) JSON'
jaeger-thrift\t'Jaeger agent Thrift (`emitBatch`, compact or binary protocol), or its JSON dump'"
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l backend -d 'A profile name from the config files, or a URL such as http://tempo:3200 (may include a base path)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l backend-kind -d 'The backend\'s API (default: the profile\'s kind; for a bare URL it is detected with a few cheap requests)' -r -f -a "jaeger\t'Jaeger query: api_v3 (`/api/v3`), falling back to the legacy `/api` (also VictoriaTraces)'
zipkin\t'Zipkin v2 API (`/api/v2`)'
tempo\t'Grafana Tempo (`/api/v2/traces`, `/api/search`)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l tenant -d 'Tenant sent as X-Scope-OrgID (Tempo, Grafana Cloud)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l header -d 'Extra request header "Name: value" (repeatable; values are never printed)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l token-file -d 'Read the bearer token from FILE (default: TRACEKIT_TOKEN, or the profile\'s token_env)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l ca-file -d 'Also trust the CA certificates in this PEM file for the backend\'s TLS' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l timeout -d 'Time limit per request, connect to the end of the body, e.g. 10s (default 30s)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l retries -d 'Retries after connection errors, 429 and 5xx answers, with exponential backoff (default 3)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l total-timeout -d 'Time limit for a request and all its retries, waits included (default 2m)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l max-response-size -d 'Largest answer read from the backend, after decompression, e.g. 1GiB (default 512MiB)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l cache -d 'Keep fetched traces in DIR so that looking again needs no network (default: cache_dir in the config, else off)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l max-inflate-ratio -d 'Refuse gzip input that inflates more than N times its compressed size past the first 64 MiB (a decompression bomb; real trace files compress 5-20x); 0 = no limit' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l max-string-bytes -d 'Cut any string value (attribute, name, message) longer than SIZE and report it as an input problem (exit 3); the rest of the span is kept [default: 4MiB]' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -s f -l format -d 'Output format' -r -f -a "text\t'A summary, then the changes'
markdown\t'The same as Markdown (for a pull-request comment)'
json\t'JSON (schema tracekit.diff/v1)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l fail-on-regression -d 'Exit 1 when a call path is slower beyond tolerance'
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l fail-on-structure -d 'Exit 1 when call paths were added or removed'
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l all -d 'List everything, including call paths within tolerance'
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l insecure -d 'Do not verify the backend\'s TLS certificate (dangerous: prints a warning on every run)'
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l no-cache -d 'Neither read nor write the cache'
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l protobuf -d 'Tempo: fetch traces as protobuf instead of JSON'
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l strict -d 'Make any unreadable input fatal'
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -l allow-empty -d 'Accept an input that holds no span ({}, [], an empty directory, nothing on stdin): print the empty result and exit 0 instead of failing with exit 3'
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l input-format -d 'Read every source as this format instead of detecting it from the content' -r -f -a "otlp-json\t'OTLP/JSON: one document, or JSON lines (the Collector file exporter)'
otlp-proto\t'OTLP protobuf TracesData, bare or 4-byte length framed'
jaeger\t'Jaeger query/UI JSON, or api_v3 `{"result": …}`'
zipkin\t'Zipkin v2 (list, or list of lists) or v1 JSON'
tempo\t'Tempo `/api/traces` (`batches`) and `/api/v2/traces` (`trace`) JSON'
jaeger-thrift\t'Jaeger agent Thrift (`emitBatch`, compact or binary protocol), or its JSON dump'"
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l max-inflate-ratio -d 'Refuse gzip input that inflates more than N times its compressed size past the first 64 MiB (a decompression bomb; real trace files compress 5-20x); 0 = no limit' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l max-string-bytes -d 'Cut any string value (attribute, name, message) longer than SIZE and report it as an input problem (exit 3); the rest of the span is kept [default: 4MiB]' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l backend -d 'A profile name from the config files, or a URL such as http://tempo:3200 (may include a base path)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l backend-kind -d 'The backend\'s API (default: the profile\'s kind; for a bare URL it is detected with a few cheap requests)' -r -f -a "jaeger\t'Jaeger query: api_v3 (`/api/v3`), falling back to the legacy `/api` (also VictoriaTraces)'
zipkin\t'Zipkin v2 API (`/api/v2`)'
tempo\t'Grafana Tempo (`/api/v2/traces`, `/api/search`)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l tenant -d 'Tenant sent as X-Scope-OrgID (Tempo, Grafana Cloud)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l header -d 'Extra request header "Name: value" (repeatable; values are never printed)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l token-file -d 'Read the bearer token from FILE (default: TRACEKIT_TOKEN, or the profile\'s token_env)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l ca-file -d 'Also trust the CA certificates in this PEM file for the backend\'s TLS' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l timeout -d 'Time limit per request, connect to the end of the body, e.g. 10s (default 30s)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l retries -d 'Retries after connection errors, 429 and 5xx answers, with exponential backoff (default 3)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l total-timeout -d 'Time limit for a request and all its retries, waits included (default 2m)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l max-response-size -d 'Largest answer read from the backend, after decompression, e.g. 1GiB (default 512MiB)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l cache -d 'Keep fetched traces in DIR so that looking again needs no network (default: cache_dir in the config, else off)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l search-service -d 'Search traces with spans of this service' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l search-operation -d '… and this operation (span name)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l search-tag -d '… and this tag, KEY=VALUE (repeatable)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l search-query -d 'Search with a TraceQL query (Tempo)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l search-min-duration -d 'Only traces at least this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l search-max-duration -d 'Only traces at most this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l since -l search-since -d 'Search the last DURATION, e.g. 15m, 1h, 24h (default 1h)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l search-start -d 'Search from this instant (RFC 3339, e.g. 2026-11-21T09:00:00Z, or Unix seconds)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l search-end -d 'Search up to this instant (default: now)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l search-limit -d 'At most N traces (default 20)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l to -d 'What to write' -r -f -a "markdown\t'Postmortem timeline: header, critical path, chronological events'
mermaid\t'Mermaid gantt chart (renders in GitHub Markdown)'
chrome\t'Chrome trace-event JSON for ui.perfetto.dev and chrome://tracing'
html\t'One self-contained HTML page: waterfall, critical path, details, findings'
csv\t'One row per span with self and critical-path time (--columns adds attributes)'
folded\t'Folded stacks of self time in microseconds, for flame graphs'
otlp-json\t'OTLP/JSON, one document'
otlp-jsonl\t'OTLP/JSON lines, one trace per line'
otlp-proto\t'OTLP protobuf, length-framed (Collector file exporter)'
jaeger\t'Jaeger query JSON'
zipkin\t'Zipkin v2 JSON'
tempo\t'Tempo /api/traces JSON'
jaeger-thrift\t'Jaeger agent Thrift (compact emitBatch)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -s t -l trace -d 'Only this trace: its id (32 or 16 hex digits) or a unique prefix of at least 8; repeatable' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -s o -l output -d 'Where to write: a file, a directory (one file per trace; created if it ends with /), or - for stdout' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l tz -d 'Markdown: also show wall-clock times at this UTC offset (e.g. +02:00)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l min-duration -d 'Markdown: list spans at least this long (default: 10% of the trace\'s duration)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l columns -d 'CSV: extra columns from span (or resource) attributes, comma-separated' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l strict -d 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l allow-empty -d 'Accept an input that holds no span ({}, [], an empty directory, nothing on stdin): print the empty result and exit 0 instead of failing with exit 3'
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l insecure -d 'Do not verify the backend\'s TLS certificate (dangerous: prints a warning on every run)'
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l no-cache -d 'Neither read nor write the cache'
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l protobuf -d 'Tempo: fetch traces as protobuf instead of JSON'
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -l force -d 'Overwrite existing files'
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l input-format -d 'Read every source as this format instead of detecting it from the content' -r -f -a "otlp-json\t'OTLP/JSON: one document, or JSON lines (the Collector file exporter)'
otlp-proto\t'OTLP protobuf TracesData, bare or 4-byte length framed'
jaeger\t'Jaeger query/UI JSON, or api_v3 `{"result": …}`'
zipkin\t'Zipkin v2 (list, or list of lists) or v1 JSON'
tempo\t'Tempo `/api/traces` (`batches`) and `/api/v2/traces` (`trace`) JSON'
jaeger-thrift\t'Jaeger agent Thrift (`emitBatch`, compact or binary protocol), or its JSON dump'"
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l max-inflate-ratio -d 'Refuse gzip input that inflates more than N times its compressed size past the first 64 MiB (a decompression bomb; real trace files compress 5-20x); 0 = no limit' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l max-string-bytes -d 'Cut any string value (attribute, name, message) longer than SIZE and report it as an input problem (exit 3); the rest of the span is kept [default: 4MiB]' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l backend -d 'A profile name from the config files, or a URL such as http://tempo:3200 (may include a base path)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l backend-kind -d 'The backend\'s API (default: the profile\'s kind; for a bare URL it is detected with a few cheap requests)' -r -f -a "jaeger\t'Jaeger query: api_v3 (`/api/v3`), falling back to the legacy `/api` (also VictoriaTraces)'
zipkin\t'Zipkin v2 API (`/api/v2`)'
tempo\t'Grafana Tempo (`/api/v2/traces`, `/api/search`)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l tenant -d 'Tenant sent as X-Scope-OrgID (Tempo, Grafana Cloud)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l header -d 'Extra request header "Name: value" (repeatable; values are never printed)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l token-file -d 'Read the bearer token from FILE (default: TRACEKIT_TOKEN, or the profile\'s token_env)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l ca-file -d 'Also trust the CA certificates in this PEM file for the backend\'s TLS' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l timeout -d 'Time limit per request, connect to the end of the body, e.g. 10s (default 30s)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l retries -d 'Retries after connection errors, 429 and 5xx answers, with exponential backoff (default 3)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l total-timeout -d 'Time limit for a request and all its retries, waits included (default 2m)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l max-response-size -d 'Largest answer read from the backend, after decompression, e.g. 1GiB (default 512MiB)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l cache -d 'Keep fetched traces in DIR so that looking again needs no network (default: cache_dir in the config, else off)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l search-service -d 'Search traces with spans of this service' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l search-operation -d '… and this operation (span name)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l search-tag -d '… and this tag, KEY=VALUE (repeatable)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l search-query -d 'Search with a TraceQL query (Tempo)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l search-min-duration -d 'Only traces at least this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l search-max-duration -d 'Only traces at most this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l since -l search-since -d 'Search the last DURATION, e.g. 15m, 1h, 24h (default 1h)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l search-start -d 'Search from this instant (RFC 3339, e.g. 2026-11-21T09:00:00Z, or Unix seconds)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l search-end -d 'Search up to this instant (default: now)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l search-limit -d 'At most N traces (default 20)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -s f -l format -d 'Output format on stdout' -r -f -a "table\t'Findings grouped per rule with a summary, for people'
json\t'JSON (schema tracekit.<command>/v1)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l fail-on -d 'Exit 1 when there is a finding at or above this severity' -r -f -a "error\t''
warning\t''
note\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l report -d 'Also write a report: sarif=FILE, junit=FILE, json=FILE, or github (workflow annotations on stdout and a step summary in $GITHUB_STEP_SUMMARY); repeatable' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l max-per-rule -d 'Show at most N findings per rule in the table (all of them are in JSON and reports)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l config -d 'Lint config (TOML): disabled rules, severity overrides, allowlists, custom pattern rules' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l max-cardinality -d 'Flag attribute keys with more distinct values than N, and services with more distinct span names [default: 100, or the config\'s]' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l emit-redaction-config -d 'Also write an OpenTelemetry Collector redaction processor config (YAML) that masks what was found' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l strict -d 'Make any unreadable input fatal (by default it is reported and the others are analysed)'
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l allow-empty -d 'Accept an input that holds no span ({}, [], an empty directory, nothing on stdin): print the empty result and exit 0 instead of failing with exit 3'
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l insecure -d 'Do not verify the backend\'s TLS certificate (dangerous: prints a warning on every run)'
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l no-cache -d 'Neither read nor write the cache'
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -l protobuf -d 'Tempo: fetch traces as protobuf instead of JSON'
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand lint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l seed -d 'Seed for the random generator: the same seed and flags give byte-identical output' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -s n -l traces -d 'Number of traces' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l spans -d 'Spans per trace (the mean for the mixed shape; exact for wide and deep)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l shape -d 'Shape of each trace' -r -f -a "mixed\t'A realistic mix: fan-out, sequential calls, async messaging, errors'
wide\t'One root with very many direct children'
deep\t'One long chain of nested calls'"
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l error-rate -d 'Share of requests that fail (0 to 1); errors propagate to the callers or are retried' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l to -d 'Output format' -r -f -a "otlp-json\t'OTLP/JSON, one TracesData document holding every trace'
otlp-jsonl\t'OTLP/JSON lines: one TracesData per trace per line (the Collector file exporter layout)'
otlp-proto\t'OTLP protobuf, one TracesData per trace, each after a 4-byte big-endian length (Collector file exporter)'
jaeger\t'Jaeger query JSON {"data":[trace, …]}'
zipkin\t'Zipkin v2 JSON: a list of traces, each a list of spans'
tempo\t'Tempo /api/traces JSON ({"batches": …}, base64 ids, enum names); one document per line when several traces'
jaeger-thrift\t'Jaeger agent Thrift compact emitBatch messages, one per trace and service'"
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -s o -l output -d 'Write to FILE instead of stdout (gzip-compressed when the name ends in .gz)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l start -d 'Start of the first trace: Unix seconds or RFC 3339 (default: 2026-01-15T10:00:00Z, for reproducibility)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l skew -d 'Fault: shift every span and event of SERVICE by a signed DURATION, as a skewed clock would (e.g. payment=-25ms; repeatable)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l drop-rate -d 'Fault: drop this share of non-root spans (0 to 1), as a lossy pipeline would; their children become orphans' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l duplicate-ids -d 'Fault: give this share of leaf spans (0 to 1) the id of another leaf of their trace' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l missing-root-rate -d 'Fault: remove the root span of this share of traces (0 to 1); its children become orphans' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand synth" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand completions" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand completions" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand completions" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand man" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand man" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand man" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l backend -d 'A profile name from the config files, or a URL such as http://tempo:3200 (may include a base path)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l backend-kind -d 'The backend\'s API (default: the profile\'s kind; for a bare URL it is detected with a few cheap requests)' -r -f -a "jaeger\t'Jaeger query: api_v3 (`/api/v3`), falling back to the legacy `/api` (also VictoriaTraces)'
zipkin\t'Zipkin v2 API (`/api/v2`)'
tempo\t'Grafana Tempo (`/api/v2/traces`, `/api/search`)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l tenant -d 'Tenant sent as X-Scope-OrgID (Tempo, Grafana Cloud)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l header -d 'Extra request header "Name: value" (repeatable; values are never printed)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l token-file -d 'Read the bearer token from FILE (default: TRACEKIT_TOKEN, or the profile\'s token_env)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l ca-file -d 'Also trust the CA certificates in this PEM file for the backend\'s TLS' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l timeout -d 'Time limit per request, connect to the end of the body, e.g. 10s (default 30s)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l retries -d 'Retries after connection errors, 429 and 5xx answers, with exponential backoff (default 3)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l total-timeout -d 'Time limit for a request and all its retries, waits included (default 2m)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l max-response-size -d 'Largest answer read from the backend, after decompression, e.g. 1GiB (default 512MiB)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l cache -d 'Keep fetched traces in DIR so that looking again needs no network (default: cache_dir in the config, else off)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -s o -l output -d 'Write to DIR (one file per trace, named by trace id; used when DIR exists or ends with /) or FILE (every trace in one); default stdout' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l to -d 'Format to write (default otlp-json)' -r -f -a "otlp-json\t'OTLP/JSON, one TracesData document holding every trace'
otlp-jsonl\t'OTLP/JSON lines: one TracesData per trace per line (the Collector file exporter layout)'
otlp-proto\t'OTLP protobuf, one TracesData per trace, each after a 4-byte big-endian length (Collector file exporter)'
jaeger\t'Jaeger query JSON {"data":[trace, …]}'
zipkin\t'Zipkin v2 JSON: a list of traces, each a list of spans'
tempo\t'Tempo /api/traces JSON ({"batches": …}, base64 ids, enum names); one document per line when several traces'
jaeger-thrift\t'Jaeger agent Thrift compact emitBatch messages, one per trace and service'"
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -s j -l jobs -d 'Fetch up to N traces at once' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l insecure -d 'Do not verify the backend\'s TLS certificate (dangerous: prints a warning on every run)'
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l no-cache -d 'Neither read nor write the cache'
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l protobuf -d 'Tempo: fetch traces as protobuf instead of JSON'
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -l raw -d 'Save each answer exactly as the backend sent it (Jaeger/Tempo/Zipkin JSON, or protobuf)'
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand fetch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l backend -d 'A profile name from the config files, or a URL such as http://tempo:3200 (may include a base path)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l backend-kind -d 'The backend\'s API (default: the profile\'s kind; for a bare URL it is detected with a few cheap requests)' -r -f -a "jaeger\t'Jaeger query: api_v3 (`/api/v3`), falling back to the legacy `/api` (also VictoriaTraces)'
zipkin\t'Zipkin v2 API (`/api/v2`)'
tempo\t'Grafana Tempo (`/api/v2/traces`, `/api/search`)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l tenant -d 'Tenant sent as X-Scope-OrgID (Tempo, Grafana Cloud)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l header -d 'Extra request header "Name: value" (repeatable; values are never printed)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l token-file -d 'Read the bearer token from FILE (default: TRACEKIT_TOKEN, or the profile\'s token_env)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l ca-file -d 'Also trust the CA certificates in this PEM file for the backend\'s TLS' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l timeout -d 'Time limit per request, connect to the end of the body, e.g. 10s (default 30s)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l retries -d 'Retries after connection errors, 429 and 5xx answers, with exponential backoff (default 3)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l total-timeout -d 'Time limit for a request and all its retries, waits included (default 2m)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l max-response-size -d 'Largest answer read from the backend, after decompression, e.g. 1GiB (default 512MiB)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l cache -d 'Keep fetched traces in DIR so that looking again needs no network (default: cache_dir in the config, else off)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -s s -l service -d 'Traces with spans of this service' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l operation -d '… and this operation (span name)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l tag -d '… and this tag, KEY=VALUE (repeatable)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l min-duration -d 'Only traces at least this long (e.g. 250ms)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l max-duration -d 'Only traces at most this long' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l query -d 'A TraceQL query (Tempo), e.g. \'{ resource.service.name = "checkout" && status = error }\'' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l since -d 'Search the last DURATION (default 1h)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l start -d 'From this instant (RFC 3339 or Unix seconds)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l end -d 'Up to this instant (default: now)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -s n -l limit -d 'At most N traces' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -s f -l format -d 'Output format of the list' -r -f -a "table\t'A table for people'
json\t'JSON (schema tracekit.search/v1 or tracekit.services/v1)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -s o -l output -d 'With --fetch: the directory to write the traces into' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l to -d 'With --fetch: the format to write (default otlp-json)' -r -f -a "otlp-json\t'OTLP/JSON, one TracesData document holding every trace'
otlp-jsonl\t'OTLP/JSON lines: one TracesData per trace per line (the Collector file exporter layout)'
otlp-proto\t'OTLP protobuf, one TracesData per trace, each after a 4-byte big-endian length (Collector file exporter)'
jaeger\t'Jaeger query JSON {"data":[trace, …]}'
zipkin\t'Zipkin v2 JSON: a list of traces, each a list of spans'
tempo\t'Tempo /api/traces JSON ({"batches": …}, base64 ids, enum names); one document per line when several traces'
jaeger-thrift\t'Jaeger agent Thrift compact emitBatch messages, one per trace and service'"
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -s j -l jobs -d 'With --fetch: download up to N traces at once' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l insecure -d 'Do not verify the backend\'s TLS certificate (dangerous: prints a warning on every run)'
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l no-cache -d 'Neither read nor write the cache'
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l protobuf -d 'Tempo: fetch traces as protobuf instead of JSON'
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l fetch -d 'Also download the traces found (into -o DIR, default the current directory)'
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -l raw -d 'With --fetch: save each answer as the backend sent it'
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand search" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l backend -d 'A profile name from the config files, or a URL such as http://tempo:3200 (may include a base path)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l backend-kind -d 'The backend\'s API (default: the profile\'s kind; for a bare URL it is detected with a few cheap requests)' -r -f -a "jaeger\t'Jaeger query: api_v3 (`/api/v3`), falling back to the legacy `/api` (also VictoriaTraces)'
zipkin\t'Zipkin v2 API (`/api/v2`)'
tempo\t'Grafana Tempo (`/api/v2/traces`, `/api/search`)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l tenant -d 'Tenant sent as X-Scope-OrgID (Tempo, Grafana Cloud)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l header -d 'Extra request header "Name: value" (repeatable; values are never printed)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l token-file -d 'Read the bearer token from FILE (default: TRACEKIT_TOKEN, or the profile\'s token_env)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l ca-file -d 'Also trust the CA certificates in this PEM file for the backend\'s TLS' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l timeout -d 'Time limit per request, connect to the end of the body, e.g. 10s (default 30s)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l retries -d 'Retries after connection errors, 429 and 5xx answers, with exponential backoff (default 3)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l total-timeout -d 'Time limit for a request and all its retries, waits included (default 2m)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l max-response-size -d 'Largest answer read from the backend, after decompression, e.g. 1GiB (default 512MiB)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l cache -d 'Keep fetched traces in DIR so that looking again needs no network (default: cache_dir in the config, else off)' -r -F
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l service -d 'Only this service (with its operations)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -s f -l format -d 'Output format' -r -f -a "table\t'A table for people'
json\t'JSON (schema tracekit.search/v1 or tracekit.services/v1)'"
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l insecure -d 'Do not verify the backend\'s TLS certificate (dangerous: prints a warning on every run)'
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l no-cache -d 'Neither read nor write the cache'
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l protobuf -d 'Tempo: fetch traces as protobuf instead of JSON'
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l operations -d 'Also list each service\'s operations'
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -l tags -d 'List tag names by scope instead (Tempo)'
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand services" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand rules" -l command -d 'Only the rules this command reports' -r -f -a "check\t''
lint\t''
gate\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand rules" -s f -l format -d 'Output format: a table (the help of each rule with RULE), JSON (schema tracekit.rules/v1), or the README\'s Markdown table' -r -f -a "table\t''
json\t''
markdown\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand rules" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand rules" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand rules" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand rules" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand schema" -l color -d 'When to use color: auto honours NO_COLOR, CLICOLOR_FORCE and whether the stream is a terminal' -r -f -a "auto\t'Color when the stream is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`'
always\t''
never\t''"
complete -c tracekit -n "__fish_tracekit_using_subcommand schema" -l max-file-size -d 'Largest config, policy, lint config or CA file read, e.g. 4MiB (default 1MiB; token files a sixteenth of it)' -r
complete -c tracekit -n "__fish_tracekit_using_subcommand schema" -l list -d 'List the commands that have a schema'
complete -c tracekit -n "__fish_tracekit_using_subcommand schema" -s q -l quiet -d 'Print nothing on stderr except errors'
complete -c tracekit -n "__fish_tracekit_using_subcommand schema" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "show" -d 'Draw the span tree of one trace as a waterfall (or list the traces of the input)'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "stats" -d 'Latency statistics per group: count, errors, P50/P90/P95/P99/max of duration and self time'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "critical-path" -d 'The critical path of each trace, or with --aggregate which operations own it'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "check" -d 'Completeness and timing findings per trace (orphans, roots, duplicates, skew…)'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "skew" -d 'Clock-offset bounds per service (or host) pair; --adjust writes corrected traces'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "gate" -d 'Evaluate a policy of assertions (coverage, attributes, budgets, rules) for CI'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "diff" -d 'Compare a baseline and a candidate by call paths, latency and critical path'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "export" -d 'Export a timeline (markdown, mermaid, chrome, html, csv, folded) or convert to another trace format'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "lint" -d 'Tag and span-name cardinality, and PII or secrets in span data'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "synth" -d 'Generate realistic synthetic traces in any supported format'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "completions" -d 'Print a shell completion script'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "man" -d 'Write man pages (one per command) into a directory'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "fetch" -d 'Download traces by id from a backend and save them'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "search" -d 'Find traces in a backend (service, operation, tags, duration, TraceQL) and list or download them'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "services" -d 'List a backend\'s services (and their operations)'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "rules" -d 'The rules of check, lint and gate: id, severity, commands, description; with RULE, its help'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "schema" -d 'Print the JSON Schema (draft 2020-12) of a command\'s `--format json` document'
complete -c tracekit -n "__fish_tracekit_using_subcommand help; and not __fish_seen_subcommand_from show stats critical-path check skew gate diff export lint synth completions man fetch search services rules schema help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
