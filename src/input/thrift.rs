//! STUB: Thrift compact and binary protocol codec (shared by the Jaeger Thrift reader and writer).
