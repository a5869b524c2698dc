//! The page envelope of every paginated list.

/// The page envelope of every paginated list:
/// `{"items": [...], "total", "page", "per_page"}`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PageOf<T> {
    /// Items of this page.
    pub items: Vec<T>,
    /// Total over all pages.
    pub total: i64,
    /// Page number.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

impl<T> From<lifeos_kernel::Page<T>> for PageOf<T> {
    fn from(p: lifeos_kernel::Page<T>) -> Self {
        Self {
            items: p.items,
            total: p.total,
            page: p.page,
            per_page: p.per_page,
        }
    }
}
