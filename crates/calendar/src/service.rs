//! Calendar use cases: every rule of writing an event or an occurrence,
//! and the occurrences view.

use crate::expand::{Window, generates, moved, occurrences, series_end};
use crate::model::{
    Event, EventDraft, EventId, EventPatch, NewEvent, Occurrence, Override, OverrideDraft, Span,
    When,
};
use crate::ports::EventRepository;
use crate::rule::Rule;
use chrono::{DateTime, NaiveDate, Utc};
use lifeos_kernel::{Clock, FieldError, Page, PageRequest, StoreError, TimePrefs, UserId, new_id};
use std::sync::Arc;

/// The longest window `/calendar/occurrences` answers, in days.
pub const MAX_WINDOW_DAYS: i64 = 366;

/// Errors of the calendar module.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    /// Invalid input.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// No such event (or occurrence) for this user.
    #[error("not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for CalendarError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            other => Self::Store(other),
        }
    }
}

/// Calendar use cases.
pub struct CalendarService {
    repo: Arc<dyn EventRepository>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for CalendarService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CalendarService").finish_non_exhaustive()
    }
}

/// Checks that every exdate is of the span's kind (date or instant).
fn check_exdates(exdates: &[When], span: &Span) -> Result<(), FieldError> {
    for (i, x) in exdates.iter().enumerate() {
        if matches!(x, When::On(_)) != span.all_day() {
            return Err(FieldError::new(
                format!("exdates[{i}]"),
                "exdates must be dates for an all-day event and date-times otherwise",
            ));
        }
    }
    Ok(())
}

/// Exdates as sent, read as dates (all-day) or date-times.
///
/// # Errors
/// A [`FieldError`] on `exdates[i]`.
pub fn parse_exdates(raw: &[String], all_day: bool) -> Result<Vec<When>, FieldError> {
    raw.iter()
        .enumerate()
        .map(|(i, x)| When::parse(&format!("exdates[{i}]"), x, all_day))
        .collect()
}

/// The stored series end: the last instance's end, or a changed
/// occurrence's if one was moved later.
fn stored_end(event: &Event, overrides: &[Override]) -> Option<DateTime<Utc>> {
    let duration = event.span.duration();
    series_end(event).map(|end| {
        overrides
            .iter()
            .map(|o| moved(o, duration).1.instant())
            .fold(end, DateTime::max)
    })
}

/// Checks an event restored whole, as an import brings it (id, times and
/// changed occurrences included): the RRULE against its start and zone, the
/// exdates' kind, and that every changed occurrence is one the series
/// generates, with new times of the event's kind. Answers the series end to
/// store. Field paths are relative to the event (`rrule`,
/// `overrides[2].recurrence_id`).
///
/// # Errors
/// A [`FieldError`] naming the first rule broken.
pub fn check_restored(
    event: &Event,
    overrides: &[Override],
) -> Result<Option<DateTime<Utc>>, FieldError> {
    if let Some(r) = &event.rrule {
        Rule::parse(r, &event.span, event.timezone)?;
    } else if !overrides.is_empty() {
        return Err(FieldError::new(
            "overrides",
            "only a recurring event can have changed occurrences",
        ));
    }
    check_exdates(&event.exdates, &event.span)?;
    let all_day = event.span.all_day();
    let mut seen = std::collections::HashSet::new();
    for (i, o) in overrides.iter().enumerate() {
        let kinds = [Some(o.recurrence_id), o.start, o.end];
        if kinds
            .iter()
            .flatten()
            .any(|w| matches!(w, When::On(_)) != all_day)
        {
            return Err(FieldError::new(
                format!("overrides[{i}]"),
                "times must be dates for an all-day event and date-times otherwise",
            ));
        }
        if !seen.insert(o.recurrence_id)
            || event.exdates.contains(&o.recurrence_id)
            || !generates(event, o.recurrence_id)
        {
            return Err(FieldError::new(
                format!("overrides[{i}].recurrence_id"),
                "recurrence_id must be an occurrence of the series, once",
            ));
        }
        let (start, end) = moved(o, event.span.duration());
        if end < start {
            return Err(FieldError::new(
                format!("overrides[{i}].end"),
                "end must not be before start",
            ));
        }
    }
    Ok(stored_end(event, overrides))
}

impl CalendarService {
    /// Wires the service.
    pub fn new(repo: Arc<dyn EventRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    /// The event a draft makes, checked but not stored: the zone defaults
    /// to the user's, the RRULE is checked against the start and zone, the
    /// exdates against the kind of the span; a new id and the time. Shared
    /// by [`Self::create`] and the capture conversion.
    ///
    /// # Errors
    /// [`CalendarError::Invalid`] naming the field.
    pub fn new_event(
        &self,
        user: UserId,
        prefs: TimePrefs,
        d: EventDraft,
    ) -> Result<NewEvent, CalendarError> {
        let timezone = d.timezone.unwrap_or(prefs.timezone);
        let rrule = d.rrule.map(|r| r.trim().to_string());
        if let Some(r) = &rrule {
            Rule::parse(r, &d.span, timezone)?;
        }
        check_exdates(&d.exdates, &d.span)?;
        let now = self.clock.now();
        let event = Event {
            id: EventId(new_id()),
            title: d.title.into_string(),
            description: d
                .description
                .map(crate::model::EventDescription::into_string),
            location: d.location.map(crate::model::Location::into_string),
            span: d.span,
            timezone,
            rrule,
            exdates: d.exdates,
            color: d.color.map(lifeos_kernel::Color::into_string),
            created_at: now,
            updated_at: now,
        };
        let series_end = series_end(&event);
        Ok(NewEvent {
            user,
            event,
            series_end,
        })
    }

    /// Creates an event.
    ///
    /// # Errors
    /// [`CalendarError::Invalid`]; storage errors.
    pub async fn create(
        &self,
        user: UserId,
        prefs: TimePrefs,
        d: EventDraft,
    ) -> Result<Event, CalendarError> {
        let e = self.new_event(user, prefs, d)?;
        Ok(self.repo.insert_event(e).await?)
    }

    async fn load(
        &self,
        user: UserId,
        id: EventId,
    ) -> Result<(Event, Vec<Override>), CalendarError> {
        self.repo
            .get_event(user, id)
            .await?
            .ok_or(CalendarError::NotFound)
    }

    /// One event.
    ///
    /// # Errors
    /// [`CalendarError::NotFound`].
    pub async fn get(&self, user: UserId, id: EventId) -> Result<Event, CalendarError> {
        Ok(self.load(user, id).await?.0)
    }

    /// A page of events, by start.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn list(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Page<Event>, CalendarError> {
        let (items, total) = self.repo.list_events(user, page).await?;
        Ok(Page::new(items, total, page))
    }

    /// Changes an event. `start`/`end` not sent keep their values (`all_day`
    /// changing needs a new `start`; the end then defaults as on creation).
    /// When the RRULE, the start or the zone changes, changed occurrences
    /// whose original start the new series no longer generates are
    /// forgotten.
    ///
    /// # Errors
    /// [`CalendarError::NotFound`], [`CalendarError::Invalid`].
    pub async fn update(
        &self,
        user: UserId,
        id: EventId,
        p: EventPatch,
    ) -> Result<Event, CalendarError> {
        let (old, overrides) = self.load(user, id).await?;
        let mut e = old.clone();
        let (start, end) = (p.start, p.end);
        let all_day = p.all_day.unwrap_or(old.span.all_day());
        let kind_changed = all_day != old.span.all_day();
        if start.is_some() || end.is_some() || kind_changed {
            let start = match start.as_deref() {
                Some(s) => When::parse("start", s, all_day)?,
                None if kind_changed => {
                    return Err(
                        FieldError::new("start", "start is required when all_day changes").into(),
                    );
                }
                None => old.span.start(),
            };
            let end = match end.as_deref() {
                Some(s) => Some(When::parse("end", s, all_day)?),
                None if kind_changed => None,
                None => Some(old.span.end()),
            };
            e.span = Span::new(start, end)?;
        }
        if let Some(t) = p.title {
            e.title = t.into_string();
        }
        if let Some(d) = p.description {
            e.description = d.map(crate::model::EventDescription::into_string);
        }
        if let Some(l) = p.location {
            e.location = l.map(crate::model::Location::into_string);
        }
        if let Some(tz) = p.timezone {
            e.timezone = tz;
        }
        if let Some(r) = p.rrule {
            e.rrule = r.map(|r| r.trim().to_string());
        }
        if let Some(x) = p.exdates {
            e.exdates = parse_exdates(&x, all_day)?;
        } else if kind_changed {
            e.exdates.clear();
        }
        if let Some(c) = p.color {
            e.color = c.map(lifeos_kernel::Color::into_string);
        }
        if let Some(r) = &e.rrule {
            Rule::parse(r, &e.span, e.timezone)?;
        }
        check_exdates(&e.exdates, &e.span)?;
        let series_changed = e.rrule != old.rrule
            || e.span.start() != old.span.start()
            || e.timezone != old.timezone;
        let (keep, drop): (Vec<Override>, Vec<Override>) = if series_changed {
            overrides
                .into_iter()
                .partition(|o| generates(&e, o.recurrence_id))
        } else {
            (overrides, Vec::new())
        };
        e.updated_at = self.clock.now();
        let series_end = stored_end(&e, &keep);
        let dropped: Vec<When> = drop.iter().map(|o| o.recurrence_id).collect();
        Ok(self
            .repo
            .update_event(
                NewEvent {
                    user,
                    event: e,
                    series_end,
                },
                &dropped,
            )
            .await?)
    }

    /// Deletes an event with its changed occurrences.
    ///
    /// # Errors
    /// [`CalendarError::NotFound`].
    pub async fn delete(&self, user: UserId, id: EventId) -> Result<(), CalendarError> {
        if self.repo.delete_event(user, id).await? {
            Ok(())
        } else {
            Err(CalendarError::NotFound)
        }
    }

    /// Every occurrence overlapping the days `from..=to` in the user's
    /// zone, single and recurring together, sorted by start.
    ///
    /// # Errors
    /// [`CalendarError::Invalid`] when `to` is before `from` or the window
    /// is longer than [`MAX_WINDOW_DAYS`].
    pub async fn occurrences(
        &self,
        user: UserId,
        prefs: TimePrefs,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Occurrence>, CalendarError> {
        Ok(self.expansion(user, prefs, from, to).await?.run())
    }

    /// [`Self::occurrences`] in two steps: the window checked and its
    /// events read, then [`Expansion::run`] — CPU work (a year of a busy
    /// calendar is tens of milliseconds and megabytes) that a caller may
    /// run where a worker may block, a few at a time.
    ///
    /// # Errors
    /// As [`Self::occurrences`].
    pub async fn expansion(
        &self,
        user: UserId,
        prefs: TimePrefs,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Expansion, CalendarError> {
        if to < from {
            return Err(FieldError::new("to", "to must not be before from").into());
        }
        if (to - from).num_days() + 1 > MAX_WINDOW_DAYS {
            return Err(FieldError::new(
                "to",
                format!("the window may span at most {MAX_WINDOW_DAYS} days"),
            )
            .into());
        }
        let window = Window::new(from, to, &prefs);
        // All-day dates float: a day of slack on each side, then exact
        // filtering by `Window::overlaps`.
        let slack = chrono::Duration::days(1);
        let events = self
            .repo
            .events_between(user, window.start - slack, window.end + slack)
            .await?;
        Ok(Expansion {
            events,
            window,
            prefs,
        })
    }

    /// Every event of the user with its changed occurrences (the calendar
    /// feed), in the statements of one window query.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn all_events(
        &self,
        user: UserId,
    ) -> Result<Vec<(Event, Vec<Override>)>, CalendarError> {
        // Events are in the years 1 to 9999 (`When::parse`).
        let new_year = |y| {
            NaiveDate::from_ymd_opt(y, 1, 1)
                .unwrap_or_default()
                .and_time(chrono::NaiveTime::MIN)
                .and_utc()
        };
        Ok(self
            .repo
            .events_between(user, new_year(1), new_year(10_000))
            .await?)
    }

    async fn occurrence_of(
        &self,
        user: UserId,
        id: EventId,
        rid: &str,
    ) -> Result<(Event, Vec<Override>, When), CalendarError> {
        let (event, overrides) = self.load(user, id).await?;
        let rid = When::parse("recurrence_id", rid, event.span.all_day())
            .map_err(|_bad| CalendarError::NotFound)?;
        if event.exdates.contains(&rid) || !generates(&event, rid) {
            return Err(CalendarError::NotFound);
        }
        Ok((event, overrides, rid))
    }

    /// Changes one occurrence of a series (merged into what was changed
    /// before) and answers it as the occurrences view lists it.
    ///
    /// # Errors
    /// [`CalendarError::NotFound`] for an occurrence the series does not
    /// generate (or that was skipped); [`CalendarError::Invalid`].
    pub async fn change_occurrence(
        &self,
        user: UserId,
        id: EventId,
        rid: &str,
        d: OverrideDraft,
    ) -> Result<Occurrence, CalendarError> {
        let (event, mut overrides, rid) = self.occurrence_of(user, id, rid).await?;
        let all_day = event.span.all_day();
        let new_start = d
            .start
            .as_deref()
            .map(|s| When::parse("start", s, all_day))
            .transpose()?;
        let new_end = d
            .end
            .as_deref()
            .map(|s| When::parse("end", s, all_day))
            .transpose()?;
        let mut o = overrides
            .iter()
            .find(|o| o.recurrence_id == rid)
            .cloned()
            .unwrap_or(Override {
                recurrence_id: rid,
                title: None,
                description: None,
                location: None,
                start: None,
                end: None,
                color: None,
            });
        if let Some(t) = d.title {
            o.title = Some(t.into_string());
        }
        if let Some(x) = d.description {
            o.description = Some(x.into_string());
        }
        if let Some(x) = d.location {
            o.location = Some(x.into_string());
        }
        if let Some(x) = d.color {
            o.color = Some(x.into_string());
        }
        if new_start.is_some() {
            o.start = new_start;
        }
        if new_end.is_some() {
            o.end = new_end;
        }
        let (start, end) = moved(&o, event.span.duration());
        if end < start {
            return Err(FieldError::new("end", "end must not be before start").into());
        }
        overrides.retain(|x| x.recurrence_id != rid);
        overrides.push(o.clone());
        let series_end = stored_end(&event, &overrides);
        self.repo
            .put_override(user, id, &o, series_end, self.clock.now())
            .await?;
        Ok(Occurrence {
            event_id: id,
            title: o.title.unwrap_or(event.title),
            start,
            end,
            all_day,
            recurring: true,
            recurrence_id: Some(rid),
        })
    }

    /// Skips one occurrence of a series.
    ///
    /// # Errors
    /// [`CalendarError::NotFound`] for an occurrence the series does not
    /// generate (or that was skipped already).
    pub async fn skip_occurrence(
        &self,
        user: UserId,
        id: EventId,
        rid: &str,
    ) -> Result<(), CalendarError> {
        let (_, _, rid) = self.occurrence_of(user, id, rid).await?;
        Ok(self
            .repo
            .skip_occurrence(user, id, rid, self.clock.now())
            .await?)
    }
}

/// The events a window of occurrences needs, read and not yet expanded
/// (see [`CalendarService::expansion`]).
#[derive(Debug, Clone)]
pub struct Expansion {
    events: Vec<(Event, Vec<Override>)>,
    window: Window,
    prefs: TimePrefs,
}

impl Expansion {
    /// Every occurrence in the window, sorted by start (then event).
    #[must_use]
    pub fn run(self) -> Vec<Occurrence> {
        let prefs = self.prefs;
        let mut out: Vec<Occurrence> = self
            .events
            .iter()
            .flat_map(|(e, o)| occurrences(e, o, &self.window))
            .collect();
        out.sort_by_key(|o| {
            let start = match o.start {
                When::On(d) => prefs.start_of_day(d),
                When::At(t) => t,
            };
            (start, o.event_id.0)
        });
        out
    }
}

#[cfg(test)]
mod tests;
