//! Pagination: every list endpoint takes `page` and `per_page` and answers a
//! `Page` envelope.

use crate::FieldError;
use serde::Serialize;

/// A validated page request: `page >= 1`, `1 <= per_page <= 100`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    page: u32,
    per_page: u32,
}

impl PageRequest {
    /// The largest page size a client may ask for.
    pub const MAX_PER_PAGE: i64 = 100;
    /// The page size when none is given.
    pub const DEFAULT_PER_PAGE: i64 = 20;

    /// Checks the bounds; `None` takes the defaults (page 1, 20 per page).
    ///
    /// # Errors
    /// A [`FieldError`] naming `page` or `per_page` when out of range.
    pub fn parse(page: Option<i64>, per_page: Option<i64>) -> Result<Self, FieldError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(Self::DEFAULT_PER_PAGE);
        if !(1..=i64::from(u32::MAX)).contains(&page) {
            return Err(FieldError::new("page", "page must be 1 or more"));
        }
        if !(1..=Self::MAX_PER_PAGE).contains(&per_page) {
            return Err(FieldError::new(
                "per_page",
                "per_page must be between 1 and 100",
            ));
        }
        Ok(Self {
            page: u32::try_from(page).unwrap_or(u32::MAX),
            per_page: u32::try_from(per_page).unwrap_or(20),
        })
    }

    /// The 1-based page number.
    #[must_use]
    pub fn page(&self) -> u32 {
        self.page
    }

    /// The page size.
    #[must_use]
    pub fn per_page(&self) -> u32 {
        self.per_page
    }

    /// SQL `LIMIT`.
    #[must_use]
    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }

    /// SQL `OFFSET`.
    #[must_use]
    pub fn offset(&self) -> i64 {
        (i64::from(self.page) - 1) * i64::from(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: 20,
        }
    }
}

/// One page of a list, with the total count over all pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// How many items there are in all.
    pub total: i64,
    /// The page number asked for.
    pub page: u32,
    /// The page size asked for.
    pub per_page: u32,
}

impl<T> Page<T> {
    /// Wraps `items` as page `req` of `total`.
    #[must_use]
    pub fn new(items: Vec<T>, total: i64, req: PageRequest) -> Self {
        Self {
            items,
            total,
            page: req.page,
            per_page: req.per_page,
        }
    }

    /// Converts every item, keeping the envelope.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_and_offset_follow_the_page() {
        let p = PageRequest::parse(Some(3), Some(7)).unwrap();
        assert_eq!(
            (p.page(), p.per_page(), p.limit(), p.offset()),
            (3, 7, 7, 14)
        );
        let page = Page::new(vec![1, 2], 9, p).map(|x| x * 10);
        assert_eq!(
            (page.items, page.total, page.page, page.per_page),
            (vec![10, 20], 9, 3, 7)
        );
    }

    #[test]
    fn defaults_are_page_one_of_twenty() {
        let p = PageRequest::parse(None, None).unwrap();
        assert_eq!((p.page(), p.per_page(), p.offset()), (1, 20, 0));
    }

    #[test]
    fn bounds_are_inclusive() {
        assert!(PageRequest::parse(Some(1), Some(1)).is_ok());
        assert!(PageRequest::parse(Some(1), Some(100)).is_ok());
        assert_eq!(
            PageRequest::parse(Some(1), Some(101)).unwrap_err().field,
            "per_page"
        );
        assert_eq!(
            PageRequest::parse(Some(1), Some(0)).unwrap_err().field,
            "per_page"
        );
        assert_eq!(
            PageRequest::parse(Some(0), Some(10)).unwrap_err().field,
            "page"
        );
        assert_eq!(
            PageRequest::parse(Some(-3), None).unwrap_err().field,
            "page"
        );
    }

    #[test]
    fn offset_skips_earlier_pages() {
        assert_eq!(PageRequest::parse(Some(3), Some(10)).unwrap().offset(), 20);
    }
}
