"""File formats, no Qt: vCard, CSV, iCalendar, and the contact sheet's content."""
