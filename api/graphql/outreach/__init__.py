"""The outreach context over GraphQL: notes, tasks, outreach, newcomers and discussions."""
