//! Parse-only values of the projects module: holding one proves the text
//! is within its limits and storable. The limits live here and nowhere else.

use lifeos_kernel::text_value;

text_value!(
    /// A project's name: trimmed, 1 to 200 characters.
    ProjectName, "name", trimmed, 200
);
text_value!(
    /// A task's title: trimmed, 1 to 500 characters.
    TaskTitle, "title", trimmed, 500
);
text_value!(
    /// A note's title: trimmed, 1 to 200 characters.
    NoteTitle, "title", trimmed, 200
);
text_value!(
    /// A project's or task's description: as sent, up to 10,000 characters.
    Description, "description", plain, 10_000
);
text_value!(
    /// A note's body: as sent, up to 100,000 characters (may be empty).
    NoteBody, "body", plain, 100_000
);

impl TaskTitle {
    /// A title made from longer text (a capture): its first
    /// [`TaskTitle::MAX`] characters, trimmed.
    ///
    /// # Errors
    /// A [`lifeos_kernel::FieldError`] on `title` when `text` is blank.
    pub fn from_text(text: &str) -> Result<Self, lifeos_kernel::FieldError> {
        let head: String = text.trim().chars().take(Self::MAX).collect();
        Self::parse(&head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_inclusive_and_count_characters() {
        assert!(ProjectName::parse(&"é".repeat(200)).is_ok());
        assert_eq!(
            ProjectName::parse(&"é".repeat(201)).unwrap_err().field,
            "name"
        );
        assert!(TaskTitle::parse(&"é".repeat(500)).is_ok());
        assert_eq!(
            TaskTitle::parse(&"é".repeat(501)).unwrap_err().field,
            "title"
        );
        assert!(NoteTitle::parse(&"x".repeat(200)).is_ok());
        assert!(NoteTitle::parse(&"x".repeat(201)).is_err());
        assert!(Description::parse(&"x".repeat(10_000)).is_ok());
        assert!(Description::parse(&"x".repeat(10_001)).is_err());
        assert_eq!(NoteBody::parse("").unwrap().as_str(), "");
        assert!(NoteBody::parse(&"x".repeat(100_001)).is_err());
    }

    #[test]
    fn names_and_titles_are_trimmed_and_never_blank() {
        assert_eq!(ProjectName::parse("  Home ").unwrap().as_str(), "Home");
        assert!(TaskTitle::parse(" \t").is_err());
        assert_eq!(
            Description::parse(" as sent ").unwrap().as_str(),
            " as sent "
        );
    }

    #[test]
    fn a_title_from_long_text_keeps_its_first_500_characters() {
        let long = format!("  {}", "ab".repeat(400));
        let t = TaskTitle::from_text(&long).unwrap();
        assert_eq!(t.as_str().chars().count(), 500);
        assert!(long.trim().starts_with(t.as_str()));
        assert!(TaskTitle::from_text("   ").is_err());
    }
}
