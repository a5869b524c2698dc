//! Log setup: `tracing` to stdout, pretty or JSON (`LOG_FORMAT`), level
//! from `RUST_LOG` (default `info`, `debug` with `DEBUG=true`).

use crate::config::LogFormat;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// actix-http logs a client's malformed request (a bad header, a broken
/// chunk) at `ERROR` from its connection dispatcher (`stream error: ...`).
/// That is a client fault, not a server error: this formatter writes those
/// lines as `WARN`, and every other event as it is.
#[derive(Debug)]
pub struct ClientFaultsAsWarnings<F>(pub F);

/// Whether an event is actix-http's report of a client's broken request.
fn is_client_fault(meta: &tracing::Metadata<'_>) -> bool {
    *meta.level() == Level::ERROR && meta.target().starts_with("actix_http::h1")
}

impl<S, N, F> FormatEvent<S, N> for ClientFaultsAsWarnings<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        if !is_client_fault(event.metadata()) {
            return self.0.format_event(ctx, writer, event);
        }
        let mut line = String::new();
        self.0.format_event(ctx, Writer::new(&mut line), event)?;
        let line = if line.contains("\"level\":\"ERROR\"") {
            line.replacen("\"level\":\"ERROR\"", "\"level\":\"WARN\"", 1)
        } else {
            line.replacen("ERROR", " WARN", 1)
        };
        writer.write_str(&line)
    }
}

/// Installs the global subscriber (once; later calls are ignored).
pub fn init(format: LogFormat, debug: bool) {
    let default = if debug { "debug" } else { "info" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_unset| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _already_set = match format {
        LogFormat::Json => builder
            .event_format(ClientFaultsAsWarnings(
                tracing_subscriber::fmt::format()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_target(false),
            ))
            .fmt_fields(tracing_subscriber::fmt::format::JsonFields::new())
            .try_init(),
        LogFormat::Pretty => builder
            .event_format(ClientFaultsAsWarnings(
                tracing_subscriber::fmt::format().with_target(false),
            ))
            .try_init(),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn logged(json: bool, emit: impl FnOnce()) -> String {
        let buf = Buffer::default();
        let out = buf.clone();
        let builder = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || out.clone());
        let dispatch = if json {
            tracing::Dispatch::new(
                builder
                    .event_format(ClientFaultsAsWarnings(
                        tracing_subscriber::fmt::format().json().flatten_event(true),
                    ))
                    .fmt_fields(tracing_subscriber::fmt::format::JsonFields::new())
                    .finish(),
            )
        } else {
            tracing::Dispatch::new(
                builder
                    .event_format(ClientFaultsAsWarnings(tracing_subscriber::fmt::format()))
                    .finish(),
            )
        };
        tracing::dispatcher::with_default(&dispatch, emit);
        String::from_utf8(buf.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn a_clients_malformed_request_is_a_warning_and_real_errors_stay_errors() {
        for json in [false, true] {
            let fault = logged(json, || {
                tracing::error!(target: "actix_http::h1::dispatcher", "stream error: Invalid Header provided");
            });
            assert!(
                fault.contains("WARN") && !fault.contains("ERROR"),
                "{fault}"
            );
            assert!(fault.contains("Invalid Header provided"), "{fault}");
            let real = logged(json, || {
                tracing::error!(target: "lifeos::http", "internal error");
            });
            assert!(real.contains("ERROR"), "{real}");
        }
    }
}
