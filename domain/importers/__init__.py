"""Platform imports: exports of Slack, Discord, Discourse, GitHub and attendee files as records."""
