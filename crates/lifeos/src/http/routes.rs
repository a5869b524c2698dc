//! The route table: every route of the API, registered with actix grouped
//! by path, so a known path with another method answers 405 with an
//! `Allow` header (RFC 9110 section 15.5.6), and listed for the test that
//! checks the OpenAPI document covers them all.

use crate::http::error::ApiError;
use actix_web::http::Method;
use actix_web::http::header::{ALLOW, HeaderValue};
use actix_web::{FromRequest, Handler, HttpResponse, Resource, Responder, ResponseError, web};

/// One path: its methods and the actix resource serving them.
struct PathRoutes {
    path: String,
    methods: Vec<Method>,
    resource: Resource,
}

/// Every route of the API in one table.
#[derive(Default)]
pub struct RouteTable {
    paths: Vec<PathRoutes>,
    listed: Vec<(Method, String)>,
}

impl RouteTable {
    /// Adds `method path` served by `handler`.
    pub fn add<F, Args>(&mut self, method: Method, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.listed.push((method.clone(), path.to_string()));
        let route = web::method(method.clone()).to(handler);
        match self.paths.iter().position(|p| p.path == path) {
            Some(i) => {
                let p = self.paths.remove(i);
                let mut methods = p.methods;
                methods.push(method);
                self.paths.insert(
                    i,
                    PathRoutes {
                        path: p.path,
                        methods,
                        resource: p.resource.route(route),
                    },
                );
            }
            None => self.paths.push(PathRoutes {
                path: path.to_string(),
                methods: vec![method],
                resource: web::resource(path).route(route),
            }),
        }
        self
    }

    /// Every `(method, path)` in the table.
    #[must_use]
    pub fn listed(&self) -> &[(Method, String)] {
        &self.listed
    }

    /// Registers the resources. Paths with fewer `{param}` segments go first,
    /// so a fixed segment wins over an id (`/captures/external` before
    /// `/captures/{id}`). A wrong method answers 405 naming the allowed ones.
    pub fn register(mut self, cfg: &mut web::ServiceConfig) {
        self.paths.sort_by_key(|p| p.path.matches('{').count());
        for p in self.paths {
            let allow = allow_header(&p.methods);
            cfg.service(p.resource.default_service(web::to(move || {
                let allow = allow.clone();
                async move { method_not_allowed(allow) }
            })));
        }
    }
}

/// `GET, POST`: the methods of a path, in a stable order.
fn allow_header(methods: &[Method]) -> HeaderValue {
    let mut names: Vec<&str> = methods.iter().map(Method::as_str).collect();
    names.sort_unstable();
    names.dedup();
    HeaderValue::from_str(&names.join(", ")).unwrap_or_else(|_bad| HeaderValue::from_static(""))
}

fn method_not_allowed(allow: HeaderValue) -> HttpResponse {
    let mut res = ApiError::new(
        crate::http::error::Code::MethodNotAllowed,
        "This method is not allowed on this resource.",
    )
    .error_response();
    res.headers_mut().insert(ALLOW, allow);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_lists_each_method_once_in_order() {
        assert_eq!(
            allow_header(&[Method::POST, Method::GET, Method::POST]),
            "GET, POST"
        );
        assert_eq!(allow_header(&[Method::DELETE]), "DELETE");
    }
}
