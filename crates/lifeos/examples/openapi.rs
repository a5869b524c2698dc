//! Prints the OpenAPI document (`GET /api/openapi.json`) to stdout, for
//! validators and client generators: `cargo run -q -p lifeos --example openapi`.

use utoipa::OpenApi;

fn main() {
    let doc = lifeos::http::openapi::ApiDoc::openapi();
    match doc.to_pretty_json() {
        Ok(json) => println!("{json}"),
        Err(e) => {
            eprintln!("serialising the OpenAPI document: {e}");
            std::process::exit(1);
        }
    }
}
