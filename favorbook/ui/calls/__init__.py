"""Around a call or a meeting: call prep, the question bank, meetings, the phone's inbox."""
