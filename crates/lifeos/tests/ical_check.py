"""Cross-checks a Life OS calendar feed with independent implementations.

Usage: ical_check.py FEED.ics OCCURRENCES.json FROM TO TASKS.json

- Every VTIMEZONE of the feed, read by Python's `icalendar` *from the
  feed's own rules* (not looked up by name), gives the same UTC offset as
  the IANA database (`zoneinfo`) at every hour of the years the feed's
  events use.
- `recurring_ical_events` expands the feed over FROM..TO (dates, UTC);
  its occurrences of events equal GET /calendar/occurrences for the same
  window: event id, title, start and end.
- The all-day events of tasks are exactly the open tasks with a due date
  listed in TASKS.json ([{"id","title","due_date"}]).

Exits 1 with the differences printed when anything differs.
"""

import datetime as dt
import json
import sys
import zoneinfo

import icalendar
import recurring_ical_events

UTC = dt.timezone.utc


def wire(value):
    """An occurrence's start or end as /calendar/occurrences writes it."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise SystemExit(f"floating date-time in the feed: {value}")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def check_zones(cal, years):
    problems = []
    for vtz in cal.walk("VTIMEZONE"):
        tzid = str(vtz["TZID"])
        ours = vtz.to_tz(lookup_tzid=False)
        iana = zoneinfo.ZoneInfo(tzid)
        t = dt.datetime(min(years), 1, 1, tzinfo=UTC)
        end = dt.datetime(max(years) + 1, 1, 1, tzinfo=UTC)
        checked = 0
        while t < end:
            a = t.astimezone(ours).utcoffset()
            b = t.astimezone(iana).utcoffset()
            if a != b:
                problems.append(f"{tzid} at {t}: feed {a}, IANA {b}")
                if len(problems) > 20:
                    return problems
            t += dt.timedelta(hours=1)
            checked += 1
        print(f"{tzid}: {checked} hours agree with zoneinfo")
    return problems


def main():
    feed_path, occ_path, start, stop, tasks_path = sys.argv[1:6]
    with open(feed_path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    with open(occ_path) as f:
        listed = json.load(f)
    with open(tasks_path) as f:
        tasks = json.load(f)
    first = dt.date.fromisoformat(start)
    last = dt.date.fromisoformat(stop)

    problems = check_zones(cal, {first.year, last.year})

    expanded = recurring_ical_events.of(cal).between(first, last + dt.timedelta(days=1))
    theirs, task_days = [], []
    for e in expanded:
        uid = str(e["UID"])
        if uid.startswith("task-"):
            task_days.append((uid[5:-len("@lifeos")], str(e["SUMMARY"]), wire(e["DTSTART"].dt)))
            continue
        theirs.append(
            (uid[: -len("@lifeos")], str(e["SUMMARY"]), wire(e["DTSTART"].dt), wire(e["DTEND"].dt))
        )
    ours = [(o["event_id"], o["title"], o["start"], o["end"]) for o in listed]
    theirs.sort()
    ours.sort()
    if theirs != ours:
        problems.append("occurrences differ:")
        for x in sorted(set(ours) - set(theirs)):
            problems.append(f"  only in /calendar/occurrences: {x}")
        for x in sorted(set(theirs) - set(ours)):
            problems.append(f"  only in recurring_ical_events: {x}")
    print(f"{len(ours)} occurrences listed, {len(theirs)} expanded from the feed")

    wanted = sorted((t["id"], "Task: " + t["title"], t["due_date"]) for t in tasks)
    if sorted(task_days) != wanted:
        problems.append(f"task days differ: feed {sorted(task_days)}, tasks {wanted}")

    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print("feed agrees")


if __name__ == "__main__":
    main()
